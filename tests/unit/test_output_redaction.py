"""The redaction step at each output that is not a file: history rows, alert bodies, the
console's tables and wrapped lines (issue 16)."""

from __future__ import annotations

import io
import sqlite3

from audit.cli.common import RedactingConsole
from audit.cli.tables import print_table
from audit.models import Finding, Resource, Severity, Status
from audit.publish.alerts import Alert, AlertPolicy, Notifier
from audit.publish.history import History, RunRow
from audit.redact import MASK, register_secret

TOKEN = "EAAB" + "Hx4Kp9Lq2Wm7Rt5Vz3Nc8Bd1Fg6Jy0" * 2


def test_history_rows_are_scrubbed(tmp_path):
    register_secret("history-secret-2718")
    hostile = f"Shop history-secret-2718 access_token={TOKEN}&appsecret_proof=abc123"
    finding = Finding("access_pixel_shared", "acme", Status.FAIL, Severity.HIGH, "access",
                      f"title {TOKEN}", f"message {hostile}", Resource("pixel", "1", hostile))
    with History(tmp_path / "h.sqlite") as db:
        db.record(RunRow("20260101T000000.000Z", "acme", None, None, "t", "audited", 50.0,
                         None, None), [finding], {"pixel": {"1": hostile}},
                  {"reason": hostile})
    dump = "\n".join(sqlite3.connect(tmp_path / "h.sqlite").iterdump())
    for needle in ("history-secret-2718", TOKEN, "abc123"):
        assert needle not in dump
    assert dump.count(MASK) >= 8  # name, title, message, asset value, summary


def test_the_alert_body_is_scrubbed_before_it_is_sent():
    register_secret("alert-secret-1618")
    sent: list[tuple[str, str]] = []

    def send(urls, title, body):
        sent.append((title, body))
        return None

    notifier = Notifier(["json://127.0.0.1:9/hook"], AlertPolicy(), send)
    delivery = notifier.deliver(Alert(f"title alert-secret-1618 {TOKEN}",
                                      f"not audited: refused at /me?access_token={TOKEN}"))
    assert delivery.status == "sent"
    (title, body), = sent
    assert "alert-secret-1618" not in title and TOKEN not in title + body
    assert body == f"not audited: refused at /me?access_token={MASK}"


def test_a_token_is_masked_before_a_table_wraps_it():
    """A narrow terminal wraps a long cell; a token cut in two by the wrap would no longer be
    recognised by the stream's redaction, so cells are scrubbed while whole."""
    register_secret("table-secret-abcdefghijklmnopqrstuvwxyz")
    out = io.StringIO()
    console = RedactingConsole(file=out, width=40, highlight=False)
    print_table(["client", "note"], [["acme", "refused: table-secret-abcdefghijklmnopqrstuvwxyz "
                                      f"{TOKEN}"]], ids=("client",), console=console)
    console.print("a plain line with table-secret-abcdefghijklmnopqrstuvwxyz in it, long "
                  "enough to be wrapped at forty columns", markup=False)
    text = out.getvalue()
    flat = text.replace("\n", "").replace("│", "").replace(" ", "")
    for piece in ("table-secret", "abcdefghijklmnop", TOKEN[:16]):
        assert piece not in flat
    assert MASK in text
