"""No token, app secret or appsecret_proof in anything a run writes or prints.

Each scenario plants a live token (EAA-shaped, accepted by the sandbox), the app secret and
the proof where the API or the user could put them: in a pixel name, in an error message, in
a request URL echoed back by a server or a proxy, in a "not audited" reason that goes out as
an alert. The run goes through the CLI at the most verbose log level (``-vv``) with a wire
trace and (when WeasyPrint can run) PDFs; then every file in the output folder (PDF text
through pypdf, the history database dumped with ``iterdump()``), the trace, the alert that
reached the webhook and the console are searched for the three secrets. Each scenario also
checks that the planted text did reach the outputs (its marker word is there), so the scan
is not vacuous.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import sqlite3
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result

from audit.publish.render.pdf import PdfUnavailable, pdf_available
from audit.sandbox import SandboxServer, load_world
from audit.sandbox.world.load import demo_world_path
from tests.integration.conftest import run_cli, write_config

# A live token shaped like Meta's (EAA + letters and digits), accepted by the sandbox.
LIVE = "EAAB" + "q7Lw2Xk9Rv4Tz8Mn3Pd6Hs1Jf5Gc0Yb" * 2
# Somebody else's token quoted by the API: never registered, masked by its shape alone.
STRAY = "EAAC" + "Zt5Kq8Wm2Nx7Rb4Vh9Lp3Jd6Fs1Gy0" * 2
ALERT_PASSWORD = "hookpass7Q2w9E4r"
# A token with no recognisable shape: masked because the config names its variable.
PLAIN = "plain-sandbox-token-7"
PIXEL = "200000000000001"
ACCOUNT = "act_100000000001"
BUSINESS = "1000000000001"


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """The demo world, with LIVE as the agency's token and appsecret_proof required."""
    world = load_world(demo_world_path())
    with SandboxServer(world, port=0) as srv:
        agency = srv.state.tokens["sandbox-agency-token"]
        srv.state.tokens[LIVE] = dataclasses.replace(agency, token=LIVE)
        srv.state.app.require_appsecret_proof = True
        yield srv


@dataclasses.dataclass
class Secrets:
    token: str
    app_secret: str
    proof: str

    def all(self) -> tuple[str, str, str]:
        return self.token, self.app_secret, self.proof


@pytest.fixture
def secrets(sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> Secrets:
    app_secret = sandbox.state.app.secret
    monkeypatch.setenv("LEAK_TEST_TOKEN", LIVE)
    monkeypatch.setenv("LEAK_TEST_SECRET", app_secret)
    proof = hmac.new(app_secret.encode(), LIVE.encode(), hashlib.sha256).hexdigest()
    return Secrets(LIVE, app_secret, proof)


class _Hook(BaseHTTPRequestHandler):
    received: list[str]

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.received.append(str(self.headers) + self.rfile.read(length).decode("utf-8"))
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[str]]]:
    """A loopback JSON webhook for Apprise (json://), with a password in its URL."""
    received: list[str] = []
    handler = type("Hook", (_Hook,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        yield f"json://hook:{ALERT_PASSWORD}@127.0.0.1:{port}/alerts", received
    finally:
        server.shutdown()
        server.server_close()


def _pdf_text(path: Path) -> str:
    import pypdf

    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(str(path)).pages)


def everything_written(*roots: Path) -> str:
    """The text of every file under ``roots``: raw, PDFs' extracted text, SQLite dumps."""
    parts = []
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            parts.append(path.read_bytes().decode("utf-8", "replace"))
            if path.suffix == ".pdf":
                parts.append(_pdf_text(path))
            if path.suffix == ".sqlite":
                db = sqlite3.connect(path)
                try:
                    parts.append("\n".join(db.iterdump()))
                finally:
                    db.close()
    return "\n".join(parts)


def _can_write_pdf() -> bool:
    try:
        pdf_available()
    except PdfUnavailable:
        return False
    return True


def _run(tmp_path: Path, sandbox: SandboxServer, **top: Any) -> tuple[Result, Path, Path]:
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"],
                          graph={"token_env": "LEAK_TEST_TOKEN",
                                 "app_secret_env": "LEAK_TEST_SECRET", "max_retries": 1},
                          **top)
    trace = tmp_path / "trace.jsonl"
    args = ["-vv", "run", "-c", str(config), "--trace", str(trace)]
    if _can_write_pdf():
        args.append("--pdf")
    return run_cli(*args), tmp_path / "out", trace


def _pixel_name(sandbox: SandboxServer, s: Secrets) -> None:
    sandbox.state.pixels[PIXEL].name = (
        f"Shop pixel markerpix {s.token} ?access_token={s.token}&appsecret_proof={s.proof}"
        f" {s.app_secret} {STRAY}")


def _error_message(sandbox: SandboxServer, s: Secrets) -> None:
    sandbox.add_fault(f"^{PIXEL}/da_checks$", code=100, subcode=None, times=None,
                      is_transient=False, message=(
                          f"(#100) markererr access_token={s.token}&appsecret_proof={s.proof}"
                          f" app secret {s.app_secret} token {s.token} {STRAY}"))
    sandbox.add_fault(f"^{PIXEL}/stats$", code=2, subcode=None, times=1, is_transient=True,
                      message=f"transient, echoing access_token={s.token} {s.proof}")


def _echoed_url(sandbox: SandboxServer, s: Secrets) -> None:
    url = (f"{sandbox.base_url}/v26.0/{ACCOUNT}/adsets?access_token={s.token}"
           f"&appsecret_proof={s.proof}&fields=id")
    sandbox.add_fault(f"^{ACCOUNT}/adrules_library$", code=1, subcode=None, times=None,
                      is_transient=False, message=f"markerproxy upstream error fetching {url}")
    sandbox.state.ad_accounts[ACCOUNT].name = f"markerurl {url}"


SCENARIOS: dict[str, Callable[[SandboxServer, Secrets], None]] = {
    "token in a pixel name": _pixel_name,
    "token in an error message": _error_message,
    "request URL echoed by the server": _echoed_url,
}
MARKERS = {"token in a pixel name": ("markerpix", "report.html"),
           "token in an error message": ("markererr", "technical.html"),
           "request URL echoed by the server": ("markerproxy", "technical.html")}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_no_secret_in_any_output(scenario, sandbox, secrets, tmp_path):
    SCENARIOS[scenario](sandbox, secrets)
    result, out, trace = _run(tmp_path, sandbox)
    assert result.exit_code == 0, result.output + result.stderr
    written = everything_written(out, trace)
    marker, page = MARKERS[scenario]
    # The planted text reached the outputs (so the scan below means something) ...
    assert marker in (out / "lumen-outdoor" / page).read_text(encoding="utf-8")
    assert marker in (out / "lumen-outdoor" / "run.json").read_text(encoding="utf-8")
    assert "[REDACTED]" in (out / "lumen-outdoor" / page).read_text(encoding="utf-8")
    # ... and no secret reached any file, the history, the trace or the console.
    haystack = "\n".join([written, result.stdout, result.stderr])
    for needle in (*secrets.all(), STRAY):
        assert needle not in haystack, f"{scenario}: a secret leaked"


def test_pixel_name_reaches_the_history_scrubbed(sandbox, secrets, tmp_path):
    _pixel_name(sandbox, secrets)
    result, out, _trace = _run(tmp_path, sandbox)
    assert result.exit_code == 0, result.stderr
    db = sqlite3.connect(out / "history.sqlite")
    try:
        names = [r[0] for r in db.execute("SELECT resource_name FROM findings WHERE "
                                          "resource_name LIKE '%markerpix%'")]
    finally:
        db.close()
    assert names, "the pixel's findings must be in the history"
    assert all("[REDACTED]" in n and secrets.token not in n for n in names)


def test_no_secret_in_the_alert_or_the_not_audited_reason(sandbox, secrets, tmp_path,
                                                          webhook):
    url, received = webhook
    echoed = (f"{sandbox.base_url}/v26.0/{BUSINESS}?access_token={secrets.token}"
              f"&appsecret_proof={secrets.proof}")
    sandbox.add_fault(f"^{BUSINESS}$", code=190, subcode=None, times=None,
                      message=f"markerauth token refused by the proxy at {echoed}")
    result, out, trace = _run(tmp_path, sandbox, alerts={"urls": [url]})
    assert result.exit_code == 3, result.stderr  # not audited: the token was refused
    assert len(received) == 1, result.stderr
    assert "markerauth" in received[0]
    assert "markerauth" in result.stderr
    haystack = "\n".join([everything_written(out, trace), result.stdout, result.stderr,
                          *received])
    for needle in secrets.all():
        assert needle not in haystack
    console_and_files = "\n".join([everything_written(out, trace), result.stdout,
                                   result.stderr])
    assert ALERT_PASSWORD not in console_and_files


CONFIG_LEAKS = {
    "token pasted as graph.token_env": {"graph": {"token_env": LIVE}},
    "token pasted as a client's token_env": {"clients": [{"token_env": LIVE}]},
    "token pasted as graph.app_secret_env": {"graph": {"app_secret_env": LIVE}},
    "token pasted as alerts.urls_env": {"alerts": {"urls_env": LIVE}},
    "token in an ad account id": {"clients": [{"ad_accounts": [f"act_1?access_token={LIVE}"]}]},
    "token in a pixel id": {"clients": [{"pixels": [LIVE]}]},
    "token in a domain": {"clients": [{"domains": [f"shop.example.com?access_token={LIVE}"]}]},
    "token in base_url user info": {"graph": {"base_url": f"https://user:{LIVE}@graph.example"}},
    "token in base_url query": {"graph": {"base_url": f"https://graph.example/?token={LIVE}"}},
    "token in the api version": {"graph": {"api_version": LIVE}},
    "the configured token in a pixel id": {"clients": [{"pixels": [PLAIN]}]},
    "the configured token in a client slug": {"clients": [{"slug": f"x{PLAIN}?"}]},
    "the configured token in the agency id": {"agency": {"business_id": PLAIN}},
}


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if key == "clients":
            for i, patch in enumerate(value):
                base["clients"][i].update(patch)
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key].update(value)
        else:
            base[key] = value


def _config_with(tmp_path: Path, sandbox: SandboxServer, extra: dict[str, Any]) -> Path:
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"],
                          graph={"token_env": "LEAK_TEST_TOKEN"})
    data = yaml.safe_load(config.read_text())
    _merge(data, extra)
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    return config


@pytest.mark.parametrize("case", list(CONFIG_LEAKS))
def test_a_secret_in_the_config_is_refused_without_repeating_it(case, tmp_path, monkeypatch,
                                                                sandbox):
    monkeypatch.setenv("LEAK_TEST_TOKEN", PLAIN)
    config = _config_with(tmp_path, sandbox, CONFIG_LEAKS[case])
    outputs = []
    for command in (["-vv", "config", "check", "-c", str(config)],
                    ["-vv", "config", "check", "-c", str(config), "--json"],
                    ["-vv", "run", "-c", str(config)],
                    ["-vv", "doctor", "-c", str(config)]):
        result = run_cli(*command)
        assert result.exit_code == 2, (case, command, result.stdout, result.stderr)
        assert result.stderr.splitlines()[-1].startswith("error: "), result.stderr
        outputs += [result.stdout, result.stderr]
    console = "\n".join(outputs)
    assert LIVE not in console
    assert PLAIN not in console
    assert LIVE[4:20] not in console  # not even a piece of it
    assert not (tmp_path / "out").exists()  # refused before anything was written
    assert sandbox.request_count() == 0  # and before any request


def test_an_alert_url_apprise_refuses_is_never_shown(tmp_path, monkeypatch, sandbox):
    """``config check`` refuses it (exit 2); a run goes on (alerts never fail a run) and
    reports the failed delivery by the URL's position, never the URL."""
    monkeypatch.setenv("LEAK_TEST_TOKEN", "not-the-live-token")
    config = _config_with(tmp_path, sandbox,
                          {"alerts": {"urls": [f"nosuchscheme://user:{LIVE}@host/path"]}})
    check = run_cli("-vv", "config", "check", "-c", str(config))
    assert check.exit_code == 2
    assert "alerts URL #1" in check.stderr
    run = run_cli("-vv", "run", "-c", str(config))
    assert run.exit_code == 3  # the token is refused: a client not audited, alert due
    assert "alerts URL #1" in run.stderr  # the delivery failed, said by position
    haystack = "\n".join([check.stdout, check.stderr, run.stdout, run.stderr,
                          everything_written(tmp_path / "out")])
    assert LIVE not in haystack
