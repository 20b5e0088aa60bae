"""Alerts: one message per run, grouped by client, sent through Apprise when something needs
attention.

What triggers a client's lines (``alerts.when`` in the config): FAIL findings that are new
or regressed since the client's previous run at or above a severity (from the history diff
the writer already put in ``sections.changes``, so an unchanged rerun sends nothing), a
client that could not be audited, and an access token expiring within N days (these two
are states that need action: they are repeated on every run while they last).

Delivery goes through Apprise (https://github.com/caronc/apprise), which speaks Slack,
Microsoft Teams, e-mail, generic JSON/form webhooks and many more from one URL each. Alert
URLs carry secrets (webhook tokens, passwords): they are registered with the redactor
before anything is sent, so neither they nor their secret parts reach a log line or an
error, and problems name a URL by its position only. A failed delivery is reported back,
never raised: alerts must not fail the audit they report on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from audit.config import AlertsConfig
from audit.models import Severity
from audit.redact import redact, register_secret

from .summary import ClientSummary, failing_changes

log = logging.getLogger(__name__)

MAX_LINES_PER_CLIENT = 15
MINUS = "\u2212"


@dataclass(frozen=True)
class AlertPolicy:
    """What triggers an alert, and how reports are referred to."""

    threshold: Severity | None = Severity.HIGH
    not_audited: bool = True
    token_days: int = 7
    report_url: str | None = None

    @classmethod
    def from_config(cls, alerts: AlertsConfig) -> AlertPolicy:
        """The policy of the config's ``alerts:`` section."""
        when = alerts.when
        return cls(threshold=Severity(when.fail_at_or_above) if when.fail_at_or_above else None,
                   not_audited=when.not_audited, token_days=when.token_expires_within_days,
                   report_url=alerts.report_url)


@dataclass(frozen=True)
class ClientState:
    """One configured client in this run: its summary, or why it produced none."""

    slug: str
    name: str
    summary: ClientSummary | None
    reason: str | None = None  # not audited: why
    report: str | None = None  # a path, or a link under alerts.report_url


@dataclass(frozen=True)
class Alert:
    """The message for one run."""

    title: str
    body: str
    clients: list[str] = field(default_factory=list)  # the slugs it mentions


@dataclass(frozen=True)
class Delivery:
    """What happened to the run's alert: ``sent``, ``failed``, ``nothing to send`` or ``off``."""

    status: str
    detail: str = ""

    @property
    def failed(self) -> bool:
        """True when a message was due but could not be delivered."""
        return self.status == "failed"

    def to_dict(self) -> dict[str, str]:
        """For ``run --json``."""
        return {"status": self.status, "detail": self.detail}


def _score(summary: ClientSummary) -> str:
    if summary.score is None:
        return "no score"
    if summary.previous_score is None:
        return f"score {summary.score:.1f}"
    delta = summary.delta or 0.0
    sign = "+" if delta > 0 else MINUS if delta < 0 else "±"
    return f"score {summary.previous_score:.1f} → {summary.score:.1f} ({sign}{abs(delta):.1f})"


def _finding_line(change: dict[str, object]) -> str:
    res = change.get("resource")
    res = res if isinstance(res, dict) else {}
    what = " ".join(str(x) for x in (res.get("type"), res.get("name") or res.get("id")) if x)
    was = change.get("previous_status")
    how = f"{was}→FAIL" if change.get("change") == "regressed" and was else "new FAIL"
    return (f"{how} ({change.get('severity')}) {change.get('check_id')} · {what}: "
            f"{change.get('message')}")


def client_lines(state: ClientState, policy: AlertPolicy) -> list[str]:
    """Why this client is in the alert (empty: it is not)."""
    summary = state.summary
    reason = state.reason or (summary.reason if summary is not None else None)
    lines: list[str] = []
    if reason or summary is None:
        if policy.not_audited:
            lines.append(f"not audited: {reason or 'no run produced'}")
        return lines
    if policy.threshold is not None:
        lines += [_finding_line(c) for c in failing_changes(summary, policy.threshold)]
    days = summary.token_days_left
    if policy.token_days and days is not None and days < policy.token_days:
        lines.append("the access token has expired" if days <= 0 else
                     f"the access token expires in {days:.0f} day(s): renew it before the "
                     "next run")
    if len(lines) > MAX_LINES_PER_CLIENT:
        more = len(lines) - MAX_LINES_PER_CLIENT + 1
        lines = [*lines[:MAX_LINES_PER_CLIENT - 1], f"… and {more} more (see the report)"]
    return lines


def compose(agency: str, run_id: str, states: Sequence[ClientState], policy: AlertPolicy
            ) -> Alert | None:
    """The run's message, grouped by client; None when nothing needs attention."""
    blocks: list[str] = []
    slugs: list[str] = []
    for state in states:
        lines = client_lines(state, policy)
        if not lines:
            continue
        slugs.append(state.slug)
        head = f"{state.name} ({state.slug})"
        if state.summary is not None and not state.reason and state.summary.audited:
            head += f" · {_score(state.summary)}"
        body = [head, *(f"  - {line}" for line in lines)]
        if state.report:
            body.append(f"  report: {state.report}")
        blocks.append("\n".join(body))
    if not blocks:
        return None
    n = len(blocks)
    who = "1 client needs" if n == 1 else f"{n} clients need"
    title = f"iOS 14 audit · {agency}: {who} attention"
    intro = f"Run {run_id} · {who} attention (of {len(states)} in this run)."
    return Alert(title, intro + "\n\n" + "\n\n".join(blocks) + "\n", slugs)


# ----------------------------------------------------------------------------- delivery

Sender = Callable[[Sequence[str], str, str], str | None]


def register_url_secrets(urls: Iterable[str]) -> None:
    """Mask alert URLs and their secret-looking parts in every later log line and output.

    The whole URL, its password, and path segments or query values that look like tokens
    (10+ characters with a digit, or 20+ characters): webhook URLs keep their secret in the
    path (Slack, Teams, Discord) or in the user info (e-mail, authenticated webhooks).
    """
    for url in urls:
        register_secret(url)
        try:
            parts = urlsplit(url)
            password = parts.password
        except ValueError:
            continue
        register_secret(password)
        pieces = [*parts.path.split("/"), parts.netloc.rsplit("@", 1)[0] if "@" in parts.netloc
                  else "", *(v for _, v in parse_qsl(parts.query))]
        if "@" not in parts.netloc:
            pieces.append(parts.netloc)  # slack://TOKEN/... keeps a token where a host goes
        for piece in pieces:
            if len(piece) >= 20 or (len(piece) >= 10 and any(c.isdigit() for c in piece)
                                    and any(c.isalpha() for c in piece)):
                register_secret(piece)


def url_problems(urls: Sequence[str]) -> list[str]:
    """Which URLs Apprise cannot use, by position (the URL itself is never shown)."""
    import apprise  # imported on use: about 0.4 s of start-up otherwise paid by every command

    register_url_secrets(urls)
    return [f"alerts URL #{i + 1}: Apprise does not recognise it (check the scheme and the "
            "fields its service needs; see https://github.com/caronc/apprise/wiki)"
            for i, url in enumerate(urls) if apprise.Apprise.instantiate(url) is None]


def apprise_send(urls: Sequence[str], title: str, body: str) -> str | None:
    """Send through Apprise; None when every URL accepted it, else what went wrong."""
    import apprise

    problems = url_problems(urls)
    if problems:
        return "; ".join(problems)
    notifier = apprise.Apprise()
    for url in urls:
        notifier.add(url)
    with apprise.LogCapture(level=logging.WARNING) as captured:  # type: ignore[no-untyped-call]
        ok = notifier.notify(title=title, body=body, notify_type=apprise.NotifyType.WARNING,
                             body_format=apprise.NotifyFormat.TEXT)
    if ok:
        return None
    lines = [line.strip() for line in captured.getvalue().splitlines() if line.strip()]
    return redact("; ".join(lines[:3]) or "Apprise reported a failed delivery")


class Notifier:
    """Composes and sends the run's alert; reports, never raises."""

    def __init__(self, urls: Sequence[str], policy: AlertPolicy,
                 send: Sender = apprise_send) -> None:
        self.urls = list(urls)
        self.policy = policy
        self.send = send
        register_url_secrets(self.urls)

    @classmethod
    def from_config(cls, alerts: AlertsConfig, env: Mapping[str, str] | None = None,
                    send: Sender = apprise_send) -> Notifier:
        """A notifier for the config's ``alerts:`` section (URLs from the file and env)."""
        return cls(alerts.all_urls(env or {}), AlertPolicy.from_config(alerts), send)

    def notify(self, agency: str, run_id: str, states: Sequence[ClientState]) -> Delivery:
        """Send one message if anything needs attention."""
        if not self.urls:
            return Delivery("off", "no alert URLs configured")
        alert = compose(agency, run_id, states, self.policy)
        if alert is None:
            return Delivery("nothing to send")
        return self.deliver(alert)

    def deliver(self, alert: Alert) -> Delivery:
        """Send a composed alert to every URL (its text scrubbed of credentials: finding
        messages and reasons may quote API text)."""
        try:
            problem = self.send(self.urls, redact(alert.title), redact(alert.body))
        except Exception as exc:  # a broken notifier must not fail the audit
            log.warning("sending the alert failed", exc_info=True)
            problem = redact(f"{type(exc).__name__}: {exc}")
        if problem:
            return Delivery("failed", redact(problem))
        return Delivery("sent", f"{len(self.urls)} URL(s); clients: {', '.join(alert.clients)}"
                        if alert.clients else f"{len(self.urls)} URL(s)")
