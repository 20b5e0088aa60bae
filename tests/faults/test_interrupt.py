"""Ctrl-C and SIGTERM stop a run promptly, keep what completed, write the index, exit 130.

The audit runs as a real process (``python -m audit run``) against the sandbox in this
process, with latency on every request so a run takes seconds; the signal is sent once the
first client's report exists. What completed must be whole (files and history row), the
index must be written, the process must print one line and exit 130, and the sandbox must
see no request after the process has gone.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from audit import cancel
from audit.collect.agency import sdk_session
from audit.config import load_config
from audit.pipeline import build_auditor
from audit.publish.alerts import Notifier
from audit.publish.history import History
from audit.sandbox import SandboxServer, load_world
from audit.sandbox.demo import DEMO_TOKENS
from audit.sandbox.world.load import demo_world_path
from tests.integration.conftest import write_config

CLIENTS = ["lumen-outdoor", "brightsmile-dental", "tidewater-coffee", "aurora-living",
           "evergreen-home-loans"]
SECOND_BUSINESS = "1000000000002"  # brightsmile-dental, audited second (one at a time)
LINE = re.compile(r"^interrupted: (\d+) of 5 clients completed; index written$", re.M)


@pytest.fixture
def slow_sandbox() -> Iterator[SandboxServer]:
    """The demo world with 40 ms on every request: the demo agency takes several seconds."""
    with SandboxServer(load_world(demo_world_path()), port=0, latency_ms=40) as srv:
        yield srv


def _start(tmp_path: Path, sandbox: SandboxServer, timeout_seconds: float = 10) -> tuple[
        subprocess.Popen[str], Path]:
    config = write_config(tmp_path, sandbox.base_url, graph={
        "concurrency": 1, "timeout_seconds": timeout_seconds})
    env = {**os.environ, **DEMO_TOKENS}
    process = subprocess.Popen(
        [sys.executable, "-m", "audit", "run", "-c", str(config)], env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    return process, tmp_path / "out"


def _wait_for(condition, process: subprocess.Popen[str], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"the run ended before the signal: {process.communicate()}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the run never got there")
        time.sleep(0.02)


def _stop(process: subprocess.Popen[str], signum: int) -> tuple[int, str, str, float]:
    sent = time.monotonic()
    process.send_signal(signum)
    try:
        stdout, stderr = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("the run did not stop within 20 s of the signal")
    return process.returncode, stdout, stderr, time.monotonic() - sent


def _recorded(out: Path) -> list[str]:
    db = sqlite3.connect(out / "history.sqlite")
    try:
        return [r[0] for r in db.execute("SELECT client FROM runs ORDER BY client")]
    finally:
        db.close()


def _assert_kept_and_quiet(out: Path, stderr: str, sandbox: SandboxServer) -> int:
    """The one line, the completed clients whole, the index, and no request afterwards."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    match = LINE.search(stderr)
    assert match, stderr
    assert lines[-1] == match.group(0)  # the last word of the run, and no traceback
    assert "Traceback" not in stderr and "Aborted" not in stderr
    completed = int(match.group(1))
    assert 1 <= completed < len(CLIENTS)
    recorded = _recorded(out)
    assert len(recorded) == completed
    for slug in recorded:
        for name in ("report.html", "technical.html", "run.json", "snapshot.json",
                     "findings.csv"):
            assert (out / slug / name).is_file(), f"{slug}/{name}"
    for slug in set(CLIENTS) - set(recorded):
        assert not (out / slug / "run.json").exists(), f"{slug} was not completed"
    index = (out / "index.html").read_text(encoding="utf-8")
    for slug in CLIENTS:  # every configured client is listed, audited or not
        assert slug in index
    assert (out / "findings.csv").is_file()
    # A request sent just before the process ended is logged by the sandbox after its 40 ms
    # of latency: let those settle, then nothing more may arrive.
    time.sleep(0.5)
    before = sandbox.request_count() + sandbox.request_count(batch_items=True)
    time.sleep(1.0)
    after = sandbox.request_count() + sandbox.request_count(batch_items=True)
    assert after == before, "requests went on after the process stopped"
    return completed


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM],
                         ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_run_and_keeps_what_completed(signum, slow_sandbox, tmp_path):
    process, out = _start(tmp_path, slow_sandbox)
    _wait_for(lambda: (out / CLIENTS[0] / "report.html").exists(), process)
    code, _stdout, stderr, took = _stop(process, signum)
    assert code == 130, stderr
    assert took < 5.0, f"took {took:.1f}s to stop"
    _assert_kept_and_quiet(out, stderr, slow_sandbox)


def test_a_request_in_flight_is_abandoned(slow_sandbox, tmp_path):
    """The second client's first reads hang for 60 s (within a 60 s timeout): SIGTERM while
    they hang stops the run at once, without waiting for them."""
    slow_sandbox.add_fault(f"^{SECOND_BUSINESS}$", kind="latency", latency_ms=60_000,
                           code=None, subcode=None, times=None)
    process, out = _start(tmp_path, slow_sandbox, timeout_seconds=60)
    _wait_for(lambda: slow_sandbox.request_count(f"^{SECOND_BUSINESS}$", batch_items=True)
              + slow_sandbox.request_count(f"^{SECOND_BUSINESS}$") > 0, process)
    time.sleep(0.3)  # well inside the hanging request
    code, _stdout, stderr, took = _stop(process, signal.SIGTERM)
    assert code == 130, stderr
    assert took < 5.0, f"took {took:.1f}s to stop"
    assert _assert_kept_and_quiet(out, stderr, slow_sandbox) == 1
    assert _recorded(out) == [CLIENTS[0]]


def test_a_second_signal_stops_at_once(slow_sandbox, tmp_path):
    """A second Ctrl-C while the first one is being honoured leaves immediately (130)."""
    slow_sandbox.add_fault(f"^{SECOND_BUSINESS}$", kind="latency", latency_ms=60_000,
                           code=None, subcode=None, times=None)
    process, out = _start(tmp_path, slow_sandbox, timeout_seconds=60)
    _wait_for(lambda: (out / CLIENTS[0] / "report.html").exists(), process)
    process.send_signal(signal.SIGINT)
    code, _stdout, stderr, took = _stop(process, signal.SIGINT)
    assert code == 130, stderr
    assert took < 5.0


@pytest.fixture
def stop_flag() -> Iterator[None]:
    """The process-wide stop flag, cleared again after the test."""
    cancel.reset()
    yield
    cancel.reset()


def test_a_stop_between_clients_sends_nothing_more_and_no_alert(stop_flag, tmp_path):
    """In process: the stop comes as the second client's session is made; that client sends
    no request, the first is kept whole, the index is written and no alert goes out."""
    with SandboxServer(load_world(demo_world_path()), port=0) as srv:
        config = load_config(write_config(tmp_path, srv.base_url, graph={"concurrency": 1},
                                          alerts={"urls": ["json://127.0.0.1:9/hook"]}))
        made: list[str] = []

        def session(cfg, client, token, secret, breaker):
            made.append(client.slug)
            if len(made) == 2:
                cancel.request_stop()
            return sdk_session(cfg, client, token, secret, breaker)

        sent: list[str] = []
        notifier = Notifier.from_config(config.alerts, {},
                                        send=lambda urls, title, body: sent.append(body))
        out = tmp_path / "out"
        with History(out / "history.sqlite") as history:
            auditor = build_auditor(config, out, DEMO_TOKENS, history=history,
                                    session_factory=session, notifier=notifier)
            result = auditor.run(list(config.clients))
        assert result.interrupted and result.selected == 5
        assert [o.slug for o in result.outcomes] == [CLIENTS[0]]
        assert made == CLIENTS[:2]
        assert srv.request_count(f"^{SECOND_BUSINESS}") == 0
        assert srv.request_count(f"^{SECOND_BUSINESS}", batch_items=True) == 0
        assert sent == [] and result.alerts.status == "off"
        assert (out / "index.html").is_file() and _recorded(out) == [CLIENTS[0]]
        assert not (out / CLIENTS[1]).exists()
