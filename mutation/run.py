"""Mutation testing of the evaluation stage with cosmic-ray, and its score per module.

cosmic-ray (https://cosmic-ray.readthedocs.io) rewrites one operator, number or keyword of
a module at a time and runs the tests; a mutant the tests do not notice "survived". It is
used rather than mutmut 3 because mutmut skips decorated functions, and every check is one
(``@check(...)``).

cosmic-ray writes each mutant into the module file itself, so this script first copies the
tracked and untracked (not ignored) files into ``.mutation/tree`` and runs everything
there; the checkout is never modified and can be edited while a run goes on. Sessions
(SQLite, one per target) are kept in ``.mutation/`` and resumed when a run is interrupted.
Each mutant's tests run in a fork of a warm pytest (``mutation/forkserver.py``), which
saves the second or so a fresh interpreter spends importing libraries.

Mutants inside type annotations are marked skipped before the run: every module starts
with ``from __future__ import annotations``, so annotations are never evaluated and such
mutants are equivalent by construction.

    python mutation/run.py                      # every target in mutation/targets.toml
    python mutation/run.py score rules          # some targets
    python mutation/run.py --report             # figures from the sessions, no run
    python mutation/run.py --report --survivors # and each surviving mutant's diff
    python mutation/run.py access --retest-survivors  # tests added: re-run survivors only

The score is killed / (killed + survived); mutants listed in ``mutation/exclusions.toml``
(equivalent ones, with the reason) are reported both ways. Not run in CI: a full run
takes about an hour on two cores.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import tomllib as _toml  # Python 3.11+

    def _load(path: Path) -> dict[str, Any]:
        return _toml.loads(path.read_text(encoding="utf-8"))
except ModuleNotFoundError:  # Python 3.10: cosmic-ray depends on the toml package
    import toml as _toml_pkg

    def _load(path: Path) -> dict[str, Any]:
        return dict(_toml_pkg.loads(path.read_text(encoding="utf-8")))

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "mutation"
WORK = ROOT / ".mutation"
TREE = WORK / "tree"
SOCKET = WORK / "pytest.sock"


@dataclass(frozen=True)
class Target:
    """A module to mutate and the tests that judge its mutants."""

    name: str
    module: str
    tests: tuple[str, ...]

    @property
    def session(self) -> Path:
        """The target's cosmic-ray session."""
        return WORK / f"{self.name}.sqlite"

    def test_command(self, timeout: float = 60) -> str:
        """The pytest command run for every mutant (test paths that exist in the copy)."""
        paths = " ".join(t for t in self.tests if (TREE / t).exists())
        return (f"{sys.executable} {HERE / 'forkserver.py'} run {SOCKET} --timeout {timeout} "
                f"-- -x -q -p no:cacheprovider {paths}")

    def fingerprint(self) -> str:
        """A hash of the module, the tests and the command: a changed one needs a new run."""
        h = hashlib.sha256(self.test_command().encode())
        files = [TREE / self.module]
        for t in self.tests:
            p = TREE / t
            files += sorted(p.rglob("*.py")) if p.is_dir() else [p] if p.exists() else []
        for f in files:
            h.update(f.read_bytes())
        return h.hexdigest()


def load_targets() -> tuple[dict[str, Target], dict[str, Any]]:
    """The targets of ``mutation/targets.toml`` and its settings."""
    data = _load(HERE / "targets.toml")
    targets = {name: Target(name, t["module"], tuple(t["tests"]))
               for name, t in data["targets"].items()}
    return targets, dict(data.get("settings", {}))


def copy_tree() -> None:
    """Copy the checkout (tracked and untracked, not ignored files) into ``.mutation/tree``."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                           check=True, capture_output=True).stdout.decode().split("\0")
    if TREE.exists():
        shutil.rmtree(TREE)
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():
            dst = TREE / name
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


def _config(target: Target, timeout: float) -> Path:
    path = WORK / f"{target.name}.toml"
    path.write_text(
        "[cosmic-ray]\n"
        f'module-path = "{target.module}"\n'
        f"timeout = {timeout + 30}\n"  # the fork server stops a run at `timeout`
        "excluded-modules = []\n"
        f'test-command = "{target.test_command(timeout)}"\n\n'
        "[cosmic-ray.distributor]\n"
        'name = "local"\n', encoding="utf-8")
    return path


def _cosmic(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "cosmic_ray.cli", *args], cwd=TREE, check=True)


def annotation_ranges(path: Path) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(start, end) positions of every annotation in a module (line 1-based, column 0-based)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        found: list[ast.expr | None] = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = node.args
            found.append(node.returns)
            found += [x.annotation for x in [*a.posonlyargs, *a.args, *a.kwonlyargs,
                                             a.vararg, a.kwarg] if x is not None]
        elif isinstance(node, ast.AnnAssign):
            found.append(node.annotation)
        out += [((e.lineno, e.col_offset), (e.end_lineno or e.lineno, e.end_col_offset or 0))
                for e in found if e is not None]
    return out


def skip_annotations(target: Target) -> None:
    """Mark the session's mutants inside annotations as skipped (never evaluated at run time)."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    ranges = annotation_ranges(TREE / target.module)
    with use_db(str(target.session), mode=WorkDB.Mode.open) as db:
        for item in list(db.pending_work_items):
            for m in item.mutations:
                if any(lo <= tuple(m.start_pos) and tuple(m.end_pos) <= hi for lo, hi in ranges):
                    db.set_result(item.job_id, WorkResult(
                        output="in a type annotation: never evaluated",
                        worker_outcome=WorkerOutcome.SKIPPED))


def run(target: Target, timeout: float, retest_survivors: bool) -> None:
    """Initialise (or resume) the target's session and execute its pending mutants."""
    config = _config(target, timeout)
    stamp = WORK / f"{target.name}.fingerprint"
    fingerprint = target.fingerprint()
    same_module = stamp.exists() and stamp.read_text().split()[0] == _module_hash(target)
    if retest_survivors and target.session.exists() and same_module:
        with sqlite3.connect(target.session) as db:
            db.execute("DELETE FROM work_results WHERE lower(test_outcome) = 'survived'")
    elif not (target.session.exists() and stamp.exists()
              and stamp.read_text().split()[1] == fingerprint):
        target.session.unlink(missing_ok=True)
        _cosmic("init", str(config), str(target.session))
        skip_annotations(target)
        _cosmic("baseline", str(config))
    stamp.write_text(f"{_module_hash(target)} {fingerprint}\n")
    _cosmic("exec", str(config), str(target.session))


def _module_hash(target: Target) -> str:
    return hashlib.sha256((TREE / target.module).read_bytes()).hexdigest()


def start_server(preload: list[str]) -> subprocess.Popen[bytes]:
    """Start the warm pytest (mutation/forkserver.py) and wait for its socket."""
    SOCKET.unlink(missing_ok=True)
    server = subprocess.Popen([sys.executable, str(HERE / "forkserver.py"), "serve",
                               str(SOCKET), "--preload", *preload], cwd=TREE)
    for _ in range(600):
        if SOCKET.exists() or server.poll() is not None:
            break
        time.sleep(0.1)
    if not SOCKET.exists():
        server.kill()
        raise SystemExit("the pytest fork server did not start")
    return server


@dataclass(frozen=True)
class Mutant:
    """One mutation and its outcome, with the code it changed."""

    target: str
    function: str
    operator: str
    line: int
    code: str
    outcome: str | None
    diff: str

    @property
    def mutated(self) -> str:
        """The mutated line as the diff shows it (stripped), or "" without a diff."""
        added = [line[1:].strip() for line in self.diff.splitlines()
                 if line.startswith("+") and not line.startswith("+++")]
        return added[0] if added else ""


def mutants(target: Target) -> list[Mutant]:
    """Every mutant of the target's session, with its outcome (None: not run yet)."""
    if not target.session.exists():
        return []
    # The copy holds the code as it was mutated (the checkout may have moved on).
    base = TREE if (TREE / target.module).exists() else ROOT
    source = (base / target.module).read_text(encoding="utf-8").splitlines()
    with sqlite3.connect(target.session) as db:
        rows = db.execute(
            "SELECT s.operator_name, s.start_pos_row, s.definition_name, r.worker_outcome, "
            "r.test_outcome, r.diff "
            "FROM mutation_specs s LEFT JOIN work_results r ON r.job_id = s.job_id").fetchall()
    return [Mutant(target.name, fn or "<module>", op.split("/")[-1], row,
                   source[row - 1].strip() if row <= len(source) else "",
                   "annotation" if (worker or "").lower() == "skipped"
                   else outcome.lower() if outcome else None, diff or "")
            for op, row, fn, worker, outcome, diff in rows]


def load_exclusions() -> list[dict[str, str]]:
    """The excluded mutants: target, function, operator, the line (``code``) and the line as
    mutated (``mutant``), and the reason."""
    data = _load(HERE / "exclusions.toml")
    entries = list(data.get("exclude", []))
    for e in entries:
        missing = {"target", "function", "operator", "code", "mutant", "reason"} - set(e)
        if missing:
            raise SystemExit(f"mutation/exclusions.toml: an entry lacks {sorted(missing)}: {e}")
    return entries


def excluded(m: Mutant, exclusions: list[dict[str, str]]) -> bool:
    """True when an entry names this mutant (target, function, operator, line before and
    after the mutation)."""
    return any(e["target"] == m.target and e["function"] == m.function
               and e["operator"] == m.operator and e["code"] == m.code
               and e["mutant"] == m.mutated for e in exclusions)


def _score(ms: list[Mutant]) -> str:
    killed = sum(m.outcome in ("killed", "incompetent") for m in ms)
    survived = sum(m.outcome == "survived" for m in ms)
    done = killed + survived
    return f"{100 * killed / done:5.1f} % ({killed}/{done})" if done else "    -"


def report(targets: list[Target], show_survivors: bool) -> None:
    """Print each target's score with and without the exclusions (and the survivors)."""
    exclusions = load_exclusions()
    print(f"{'target':<12}{'mutants':>8}{'annot.':>7}{'pending':>8}  {'score':<22}"
          f"{'excl.':>6}  score without excluded")
    for t in targets:
        ms = mutants(t)
        kept = [m for m in ms if not excluded(m, exclusions)]
        pending = sum(m.outcome is None for m in ms)
        annotations = sum(m.outcome == "annotation" for m in ms)
        print(f"{t.name:<12}{len(ms):>8}{annotations:>7}{pending:>8}  {_score(ms):<22}"
              f"{len(ms) - len(kept):>6}  {_score(kept)}")
    if show_survivors:
        for t in targets:
            for m in mutants(t):
                if m.outcome == "survived" and not excluded(m, exclusions):
                    print(f"\n[{t.name}] {m.function} line {m.line} {m.operator}\n"
                          f"  code   = {m.code!r}\n  mutant = {m.mutated!r}")


def main(argv: list[str] | None = None) -> int:
    """Run the chosen targets (all by default), then print the figures."""
    targets, settings = load_targets()
    timeout = float(settings.get("timeout", 60))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", metavar="TARGET",
                        help=f"targets to run: {', '.join(targets)} (default: all)")
    parser.add_argument("--report", action="store_true", help="only print the figures")
    parser.add_argument("--survivors", action="store_true", help="print surviving mutants")
    parser.add_argument("--work", type=Path, default=None,
                        help="folder for the copy of the tree and the sessions (default "
                             ".mutation); two runs at once need two folders")
    parser.add_argument("--keep-tree", action="store_true",
                        help="mutate the copy made by the last run, not a fresh copy")
    parser.add_argument("--retest-survivors", action="store_true",
                        help="keep killed mutants, re-run only the survivors (after adding "
                             "tests; the module itself must be unchanged)")
    args = parser.parse_args(argv)
    global WORK, TREE, SOCKET
    WORK = (args.work or WORK).resolve()
    TREE, SOCKET = WORK / "tree", WORK / "pytest.sock"
    unknown = [n for n in args.targets if n not in targets]
    if unknown:
        parser.error(f"unknown target(s) {', '.join(unknown)}; known: {', '.join(targets)}")
    chosen = [targets[n] for n in args.targets] or list(targets.values())
    if not args.report:
        WORK.mkdir(exist_ok=True)
        if not (args.keep_tree and TREE.exists()):
            copy_tree()
        server = start_server([str(m) for m in settings.get("preload", [])])
        try:
            for t in chosen:
                run(t, timeout, args.retest_survivors)
        finally:
            server.terminate()
            server.wait()
    report(chosen, args.survivors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
