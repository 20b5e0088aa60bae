"""A warm pytest for cosmic-ray: one server imports pytest and the libraries once, and each
mutant's test run is a fork of it.

cosmic-ray starts its test command once per mutant; a fresh ``python -m pytest`` spends
most of its time importing pytest, hypothesis, pydantic, httpx and the like. The server
imports those (never ``audit`` or ``tests``, so each fork imports the mutated module from
disk) and forks one child per request; the client, which is the test command cosmic-ray
runs, sends the pytest arguments and exits with the child's exit code.

    python mutation/forkserver.py serve SOCKET [--preload MODULE ...]
    python mutation/forkserver.py run SOCKET [--timeout S] -- PYTEST_ARGS ...
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import signal
import socket
import sys
import tempfile
import time


def _child(request: dict[str, object], output: int) -> int:
    """Run pytest in this (forked) process, as ``python -m pytest`` would from ``cwd``."""
    cwd = str(request["cwd"])
    os.chdir(cwd)
    sys.path[0:1] = [cwd]  # `python -m` puts the working directory first
    os.dup2(output, 1)
    os.dup2(output, 2)
    import pytest

    args = request["args"]
    assert isinstance(args, list)
    return int(pytest.main([str(a) for a in args]))


def _wait(pid: int, timeout: float) -> int:
    """The child's exit code; a child past ``timeout`` is killed (and counts as a failure)."""
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return 124
        time.sleep(0.01)


def serve(path: str, preload: list[str]) -> None:
    """Import the libraries once, then fork one pytest run per request on ``path``."""
    sys.dont_write_bytecode = True  # a mutant must never leave a stale .pyc behind
    for name in ["pytest", "hypothesis", *preload]:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    leaked = [m for m in sys.modules if m == "audit" or m.startswith(("audit.", "tests"))]
    if leaked:
        raise SystemExit(f"preloading imported the code under test: {leaked[:3]}")
    if os.path.exists(path):
        os.unlink(path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    while True:
        conn, _ = server.accept()
        with conn:
            request = json.loads(conn.makefile("r").readline())
            with tempfile.TemporaryFile() as output:
                pid = os.fork()
                if pid == 0:
                    server.close()
                    code = 3
                    try:
                        code = _child(request, output.fileno())
                    finally:
                        sys.stdout.flush()
                        sys.stderr.flush()
                        os._exit(code)
                code = _wait(pid, float(request.get("timeout", 60)))
                output.seek(0)
                conn.sendall(f"{code}\n".encode() + output.read())


def run(path: str, args: list[str], timeout: float) -> int:
    """Send one pytest run to the server and return its exit code."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.connect(path)
        conn.sendall((json.dumps({"cwd": os.getcwd(), "args": args, "timeout": timeout})
                      + "\n").encode())
        reply = conn.makefile("rb")
        answer = reply.readline().decode().strip()
        sys.stdout.write(reply.read().decode(errors="replace"))
    return int(answer) if answer.lstrip("-").isdigit() else 3


def main() -> int:
    """Command line: ``serve`` or ``run``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="start the server")
    s.add_argument("socket")
    s.add_argument("--preload", nargs="*", default=[], help="modules to import once")
    r = sub.add_parser("run", help="run pytest in a fork of the server (its arguments "
                       "after --)")
    r.add_argument("socket")
    r.add_argument("--timeout", type=float, default=60.0)
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:cut])
    if args.command == "serve":
        serve(args.socket, args.preload)
        return 0
    return run(args.socket, argv[cut + 1:], args.timeout)


if __name__ == "__main__":
    sys.exit(main())
