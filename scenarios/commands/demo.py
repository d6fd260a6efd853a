"""``rota demo``: the main job on the bundled example department.

Measures every line, compares the 2002, Wales 2026 and England 2016 contracts,
checks the four rule sets, searches a compliant redesign of the F1 rota with the
least pay loss, simulates call-outs on the registrar non-resident on-call rota,
and writes a report folder (tables, PNG plots, ``index.html``).
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

from ..output import add_format_option, print_json, print_table
from ._choices import RULESETS
from ._common import make_out_folder, time_limit
from .optimise import DEMO_TIME_LIMIT_S
from .simulate import DEMO_RUNS

DEFAULT_OUT = "rota-demo-report"
#: Output formats of the demo (its results do not make one CSV table).
FORMATS = ("table", "json")


def register(sub) -> None:
    """Register the sub-command."""
    parser = sub.add_parser(
        "demo", help="run the main job on the bundled example department", description=__doc__
    )
    parser.add_argument(
        "--out",
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"report folder to write (default: ./{DEFAULT_OUT})",
    )
    parser.add_argument(  # hidden: lets the tests run a short search
        "--time-limit",
        type=time_limit,
        default=DEMO_TIME_LIMIT_S,
        help=argparse.SUPPRESS,
    )
    add_format_option(parser, FORMATS)
    parser.set_defaults(run=run)


def compliance_summary(rotas) -> list[dict]:
    """Per rota and rule set: how many lines comply, and the rules broken."""
    from simulator.compile import compile_rota
    from simulator.rules import check

    rows = []
    for rota in rotas:
        compiled = compile_rota(rota)
        row = {"rota": Path(rota.source).stem, "name": rota.name, "lines": compiled.n_lines}
        for name in RULESETS:
            result = check(compiled, name)
            broken = sorted({v.rule.split(".")[0] for v in result.violations})
            row[name] = {"compliant_lines": int(result.compliant.sum()), "rules_broken": broken}
        rows.append(row)
    return rows


def _render_compliance(rows: list[dict]) -> None:
    cells = []
    for row in rows:
        out = [row["rota"]]
        for name in RULESETS:
            entry = row[name]
            text = f"{entry['compliant_lines']}/{row['lines']}"
            if entry["rules_broken"]:
                text += " (" + ", ".join(entry["rules_broken"]) + ")"
            out.append(text)
        cells.append(out)
    print_table("Compliant lines by rule set", ["rota", *RULESETS], cells)


def _step(text: str) -> None:
    """Announce a section of the demo on stderr."""
    print(f"demo: {text}…", file=sys.stderr, flush=True)


def _measure(table: bool) -> tuple[list, list[dict]]:
    """Read and measure the bundled department; print each hours table when ready.

    Returns
    -------
    rotas, reports : list
        The department's rotas and their hours reports.
    """
    from simulator.examples import department_paths
    from simulator.io import read_rota

    from .hours import hours_report, render_table

    _step("measuring every line")
    rotas = [read_rota(path) for path in department_paths()]
    reports = [hours_report(rota) for rota in rotas]
    if table:
        for report in reports:
            render_table(report)
    return rotas, reports


def _compare_and_check(rotas: list, table: bool, warmup=None) -> tuple[list[dict], list[dict]]:
    """Compare the contracts and check the rule sets on every rota; print each table.

    ``warmup`` (:class:`scenarios.warmup.Warmup`) compiles the rule kernels in another
    process on a first run; they are waited for before the comparison needs them.
    """
    import numpy as np

    from simulator.contracts import compare

    from .compare import render_table as render_compare

    _step("comparing the contracts")
    if warmup is not None:
        # compile the pay kernels here while the rules compile there, then wait for them
        first = rotas[0]
        compare(first, new_deal_compliant=np.ones(len(first.lines), dtype=np.bool_))
        warmup.wait("rules")
    comparisons = [compare(rota) for rota in rotas]
    if table:
        for result in comparisons:
            render_compare(result)
    _step(f"checking the {len(RULESETS)} rule sets")
    compliance = compliance_summary(rotas)
    if table:
        _render_compliance(compliance)
    return comparisons, compliance


class _Redesign:
    """The F1 redesign search, run on a thread of its own.

    The search has a fixed time (``--time-limit``) and CP-SAT releases the GIL, so
    the demo compares the contracts, checks the rule sets, simulates on-call and
    builds the report (its sweep, tables and plots) meanwhile instead of after it.
    It is started once the hours tables are out, when the metrics kernel its model
    needs is compiled: started with the demo, on a first run its time also ran
    while that kernel compiled, and it found a worse rota. Its progress and result
    are shown where the demo reaches the redesign. A daemon thread: an interrupted
    demo does not wait for the search to end.
    """

    def __init__(self, time_limit_s: float) -> None:
        from .optimise import ProgressRelay

        self._relay = ProgressRelay()
        self._outcome: list = []
        self._thread = threading.Thread(
            target=self._run, args=(time_limit_s,), name="demo-redesign", daemon=True
        )
        self._thread.start()

    def _run(self, time_limit_s: float) -> None:
        from .optimise import demo_solve

        try:
            self._outcome.append(demo_solve(time_limit_s=time_limit_s, progress=self._relay))
        except BaseException as exc:  # noqa: BLE001 - re-raised on the main thread
            self._outcome.append(exc)

    def result(self, fmt: str) -> dict:
        """Wait for the search (showing its progress on a terminal); print and return it."""
        from .optimise import StderrProgress, demo_render

        show = StderrProgress() if sys.stderr.isatty() else None
        self._relay.follow(lambda: not self._thread.is_alive(), show or (lambda event: None))
        if show is not None:
            show.flush()  # the last improvement, if it was held back
        self._thread.join()
        outcome = self._outcome[0]
        if isinstance(outcome, BaseException):
            raise outcome
        return demo_render(outcome, fmt)


def run(args) -> int:
    """Run ``rota demo``."""
    from simulator.io.safety import check_out_folder

    from ..report import start_demo_report
    from ..warmup import start as start_warmup
    from .simulate import demo_simulation
    from .simulate import render_table as render_simulation

    check_out_folder(args.out)  # an existing file: refuse before any work
    make_out_folder(args.out)  # an unwritable place: refuse before any work
    t0 = time.perf_counter()
    table = args.format == "table"
    # first run: the rule and simulation kernels compile in a second process meanwhile
    warmup = start_warmup(("rules", "simulate"))
    try:
        rotas, reports = _measure(table)
        search = _Redesign(args.time_limit)
        # while it searches: the comparison, the checks, the on-call simulation and the
        # report up to its last sections
        comparisons, compliance = _compare_and_check(rotas, table, warmup)
        _step(f"redesigning the F1 rota ({args.time_limit:g} s search)")
        if warmup is not None:
            warmup.wait("simulate")
        simulation = demo_simulation()
        pending = start_demo_report(Path(args.out))
        redesign = search.result(args.format)
    finally:
        if warmup is not None:
            warmup.close()
    _step(f"simulating on-call ({DEMO_RUNS} runs a line)")
    if table:
        render_simulation(simulation)
    _step("writing the report")
    folder = pending.finish(redesign=redesign, simulation=simulation)
    elapsed_s = time.perf_counter() - t0
    if args.format == "json":
        print_json(
            {
                "department": reports,
                "compare": comparisons,
                "compliance": compliance,
                "redesign": {k: v for k, v in redesign.items() if k != "rota_toml"},
                "simulation": simulation,
                "report": str(folder / "index.html"),
            }
        )
    else:
        print(f"\nReport written to {folder / 'index.html'} ({elapsed_s:.0f} s)")
    return 0
