"""What a domain's public verification markers say, read from the snapshot.

For one registrable domain: the codes in its ``facebook-domain-verification`` TXT records,
in its home page's verification meta tags, and whether ``/<code>.html`` carries a code the
config gives for the client; compared with the client's codes (from the config, and from
``owned_domains`` where that still answers). The outcome is one :class:`MarkerState`:

- ``client``: a marker carries one of the client's codes;
- ``other``: markers carry only codes that are not the client's (another business verified
  the domain: the agency, a former agency, a web developer's business …);
- ``unknown_code``: a marker is there but the client's codes are not known to compare;
- ``none``: DNS and the home page were read and show no marker;
- ``unreachable``: DNS or the home page could not be read (the reasons say which);
- ``offline``: the run did not look (``--offline``, or lookups turned off);
- ``unchecked``: the snapshot has no marker data for this domain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from audit.collect.domains import WINDOW_KEY, marker_key
from audit.collect.markers import looks_like_code, txt_values
from audit.facts.view import SnapshotView, str_list, to_str
from audit.graph.result import Fetched


class MarkerState(str, Enum):
    """The outcome of reading one domain's markers."""

    CLIENT = "client"
    OTHER = "other"
    UNKNOWN_CODE = "unknown_code"
    NONE = "none"
    UNREACHABLE = "unreachable"
    OFFLINE = "offline"
    UNCHECKED = "unchecked"

    @property
    def verified(self) -> bool | None:
        """Verified by the client? True (its code), False (another code, or none), None."""
        if self is MarkerState.CLIENT:
            return True
        if self in (MarkerState.OTHER, MarkerState.NONE):
            return False
        return None


METHOD_LABELS = {"dns": "DNS TXT record", "meta": "meta tag on the home page",
                 "file": "HTML file at the web root"}


@dataclass(frozen=True)
class Sighting:
    """One code seen on the domain, and how."""

    method: str  # dns | meta | file
    code: str


@dataclass
class DomainMarkers:
    """Everything the markers of one domain say."""

    domain: str
    state: MarkerState
    sightings: list[Sighting] = field(default_factory=list)
    client_codes: tuple[str, ...] = ()
    agency_codes: tuple[str, ...] = ()
    malformed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def codes(self, methods: tuple[str, ...] = ("dns", "meta", "file")) -> list[str]:
        """Distinct codes seen (by the given methods), in order."""
        out: list[str] = []
        for s in self.sightings:
            if s.method in methods and s.code not in out:
                out.append(s.code)
        return out

    @property
    def client_methods(self) -> list[str]:
        """How the client's code was found (labels), e.g. ["DNS TXT record"]."""
        return _labels(s.method for s in self.sightings if s.code in self.client_codes)

    @property
    def other_codes(self) -> list[str]:
        """Codes seen that are not the client's."""
        return [c for c in self.codes() if c not in self.client_codes]

    @property
    def by_agency(self) -> bool:
        """True when another code seen is one of the agency's own (from its owned_domains)."""
        return any(c in self.agency_codes for c in self.other_codes)

    @property
    def reason(self) -> str:
        """Why the markers could not be read, in plain words (DNS and home page first)."""
        main = [p for p in self.problems if not p.startswith("file ")]
        return "; ".join(main or self.problems)

    def evidence(self) -> dict[str, Any]:
        """The evidence for a finding: methods checked, what each showed, the codes."""
        out: dict[str, Any] = {
            "marker_outcome": self.state.value,
            "markers_checked": self.checked,
            "codes_expected": list(self.client_codes) or "not known to the audit",
        }
        for method in ("dns", "meta", "file"):
            codes = self.codes((method,))
            if codes:
                out[f"codes_by_{method}"] = codes
        if self.malformed:
            out["unrecognised_values"] = self.malformed
        if self.problems:
            out["could_not_read"] = self.problems
        return out

    def to_dict(self) -> dict[str, Any]:
        """Serialisable summary (inventory rows)."""
        return {"state": self.state.value, "codes": self.codes(),
                "client_code_found_by": self.client_methods, "problems": self.problems}


def _labels(methods: Any) -> list[str]:
    out: list[str] = []
    for m in methods:
        label = METHOD_LABELS[m]
        if label not in out:
            out.append(label)
    return out


def markers_mode(view: SnapshotView) -> str | None:
    """``checked`` or ``offline`` when the run looked (or chose not to), else None."""
    info = view.snap.window.get(WINDOW_KEY)
    mode = info.get("mode") if isinstance(info, dict) else None
    return mode if mode in ("checked", "offline") else None


def known_codes(view: SnapshotView, key: str, domain: str) -> tuple[str, ...]:
    """Verification codes ``owned_domains`` (at ``key``) reports for ``domain``, if any."""
    res = view.get(key)
    out = []
    for item in res.items() if res else []:
        name = (to_str(item.get("domain_name")) or "").lower()
        code = to_str(item.get("verification_code"))
        if code and (name == domain or name.endswith("." + domain)):
            out.append(code.lower())
    return tuple(out)


def _problem(what: str, res: Fetched | None) -> str | None:
    if res is None:
        return f"{what}: not looked up"
    if res.error is None:
        return None
    return f"{what}: {res.error.get('message') or res.error_kind}"


def read_markers(view: SnapshotView, domain: str) -> DomainMarkers:
    """Parse the stored lookups for ``domain`` into one outcome."""
    client_codes = tuple(dict.fromkeys(
        [c.lower() for c in view.client.domain_verification_codes]
        + list(known_codes(view, "business/owned_domains", domain))))
    result = DomainMarkers(domain, MarkerState.UNCHECKED, client_codes=client_codes,
                           agency_codes=known_codes(view, "agency/owned_domains", domain))
    mode = markers_mode(view)
    if mode == "offline":
        result.state = MarkerState.OFFLINE
        return result
    dns, home = view.get(marker_key("dns", domain)), view.get(marker_key("home", domain))
    if mode is None or (dns is None and home is None):
        return result

    def seen(method: str, values: list[str]) -> None:
        for value in values:
            if looks_like_code(value):
                result.sightings.append(Sighting(method, value.lower()))
            elif value not in result.malformed:
                result.malformed.append(value)

    result.checked.append(METHOD_LABELS["dns"])
    if dns is not None and dns.succeeded:
        seen("dns", txt_values(str_list(dns.obj().get("verification"))))
    result.checked.append(METHOD_LABELS["meta"])
    if home is not None and (home.succeeded or home.partial):
        seen("meta", str_list(home.obj().get("meta")))
    problems = [p for p in (_problem("DNS", dns), _problem("home page", home)) if p]
    for key in view.snap.keys_with_prefix(f"domain/{domain}/file/"):
        code = key.rsplit("/", 1)[1]
        res = view.get(key)
        if METHOD_LABELS["file"] not in result.checked:
            result.checked.append(METHOD_LABELS["file"])
        if res is not None and res.succeeded and res.obj().get("shows_code") is True:
            result.sightings.append(Sighting("file", code.lower()))
        elif res is not None and res.error is not None:
            problems.append(_problem(f"file {code}.html", res) or "")
    result.problems = problems
    result.state = _state(result)
    return result


def _state(m: DomainMarkers) -> MarkerState:
    codes = m.codes()
    if any(c in m.client_codes for c in codes):
        return MarkerState.CLIENT
    if codes and not m.client_codes:
        return MarkerState.UNKNOWN_CODE
    if codes:
        return MarkerState.OTHER
    if m.problems:
        return MarkerState.UNREACHABLE
    return MarkerState.NONE
