"""Compile kernels ahead, in a second process, while the first one works.

A first run (an empty Numba cache) spends most of its time compiling kernels, and
Numba compiles on one core at a time. :func:`start` launches ``python -m
scenarios.warmup GROUP…``, which compiles the named kernel groups by running them on
the bundled example department and writes them to Numba's on-disk cache; the
calling process meanwhile compiles the kernels it needs first, then
:meth:`Warmup.wait` for a group before using it, and loads that group from the
cache instead of compiling it again. On a warm cache nothing is launched.

Groups (each runs the same public functions, with the same argument types, as the
commands do):

- ``rules``: the rule kernels of :func:`simulator.rules.check` and
  :func:`simulator.rules.compliant_lines`;
- ``simulate``: the Monte Carlo on-call kernel of :func:`simulator.oncall.simulate_rota`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence

#: How long :meth:`Warmup.wait` waits for a group before compiling it itself, seconds.
WAIT_S = 180.0


def _department():
    from simulator.compile import compile_rota
    from simulator.examples import department_paths
    from simulator.io import read_rota

    return [compile_rota(read_rota(path)) for path in department_paths()]


def _warm_rules() -> None:
    from simulator.rules import check
    from simulator.rules.engine import compliant_lines_detailed

    compiled = _department()[0]
    check(compiled, "new-deal")
    compliant_lines_detailed(compiled, "new-deal")


def _warm_simulate() -> None:
    from simulator.oncall import simulate_totals

    for compiled in _department():
        if (compiled.kind == 3).any():  # a rota with non-resident on-call
            simulate_totals(compiled, runs=2, seed=1)
            return


#: Kernel groups: how to compile each, and one kernel whose cache shows it is done.
GROUPS: dict[str, Callable[[], None]] = {"rules": _warm_rules, "simulate": _warm_simulate}


def _probe(group: str):
    if group == "rules":
        from simulator.rules.kernels import check_range

        return check_range
    from simulator.oncall.montecarlo import simulate_line_runs

    return simulate_line_runs


def cached(group: str) -> bool:
    """Whether a group's kernels are in Numba's on-disk cache (True when it cannot tell)."""
    try:
        return bool(_probe(group)._cache._cache_file._load_index())
    except Exception:  # noqa: BLE001 - Numba internals: assume cached, start nothing
        return True


class Warmup:
    """A running warm-up process; :meth:`wait` for each group before using it."""

    def __init__(self, process: subprocess.Popen, groups: Sequence[str]) -> None:
        self.process = process
        self.pending = set(groups)

    def wait(self, group: str, timeout_s: float = WAIT_S) -> None:
        """Block until ``group`` is compiled (or the process ended, or the timeout)."""
        if group not in self.pending:
            return
        import selectors

        stream = self.process.stdout
        selector = selectors.DefaultSelector()
        selector.register(stream, selectors.EVENT_READ)
        try:
            while group in self.pending and selector.select(timeout_s):
                line = stream.readline()
                if not line:  # the process ended (or failed): compile here
                    self.pending.clear()
                    break
                self.pending.discard(line.strip())
        finally:
            selector.close()
        self.pending.discard(group)

    def close(self) -> None:
        """Stop the process if it still runs."""
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def start(groups: Sequence[str]) -> Warmup | None:
    """Compile ``groups`` in a background process, unless cached or the JIT is off.

    Returns
    -------
    Warmup or None
        The running process, or None when there is nothing to do.
    """
    if os.environ.get("NUMBA_DISABLE_JIT", "0") == "1":
        return None
    todo = [g for g in groups if not cached(g)]
    if not todo:
        return None
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "scenarios.warmup", *todo],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            text=True,
        )
    except OSError:
        return None
    return Warmup(process, todo)


def main(argv: Sequence[str]) -> int:
    """Compile each named group in turn; print its name when done."""
    for group in argv:
        try:
            GROUPS[group]()
        except Exception:  # noqa: BLE001 - the caller compiles what is missing itself
            pass
        print(group, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
