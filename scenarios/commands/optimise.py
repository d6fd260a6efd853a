"""``rota optimise PROBLEM``: search a rota that meets safe rostering and minimises pay loss.

Exit status: 0 a compliant rota was found, 1 none was found in the time limit (or
the rules engine rejected it), 2 bad input, 3 the problem is infeasible (the
message names the rule families and cover requirements that conflict).
"""

from __future__ import annotations

import math
import queue
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..output import add_format_option, console, print_csv, print_json, print_table
from ._choices import OBJECTIVES
from ._common import (
    MAX_WORKERS,
    add_allow_outside,
    add_contract_set,
    cp_sat_seed,
    time_limit,
    whole_number,
)

if TYPE_CHECKING:
    from optimizer.search import ProgressEvent
    from optimizer.solve import OptimiseResult

#: The bundled department problem (the F1 medicine redesign).
DEPARTMENT_PROBLEM = "department/problems/medicine_f1.toml"
#: Search time of the demo section, seconds.
DEMO_TIME_LIMIT_S = 30.0
#: Exit status of an infeasible problem.
EXIT_INFEASIBLE = 3


#: Plain-English names of the search's stages.
STAGE_TITLES = {
    "first_rota": "finding a first compliant rota",
    "total_loss": "minimising total pay loss",
    "max_loss": "minimising the largest single loss",
    "unfairness": "evening out nights, weekends and hours",
    "pay_bill": "minimising the pay bill",
    "doctors": "minimising the doctors used",
    "spread": "evening out nights, weekends and unsocial hours",
    "changes": "changing as few days of the current rota as possible",
}


class StderrProgress:
    """Print the search's progress to stderr: each stage as it starts, improvements.

    Improvements are printed at most once every ``every_s`` seconds, so a long search
    shows its pace without flooding the terminal. One that comes sooner is held, and
    printed when the next one is due, when the next stage starts or on
    :meth:`flush`: the last value of every stage is always shown.
    """

    def __init__(self, every_s: float = 2.0) -> None:
        self.every_s = every_s
        self._last_s = -math.inf
        self._held: ProgressEvent | None = None

    def __call__(self, event: ProgressEvent) -> None:
        if event.event == "solution" and event.value is not None:
            self._held = event  # the latest improvement replaces one held back
            if event.seconds - self._last_s >= self.every_s:
                self.flush()
            return
        self.flush()  # a stage, the neighbourhood search or a rota: after the last value
        if event.event == "start":
            _print_at(event.seconds, STAGE_TITLES.get(event.stage, event.stage))
            self._last_s = -math.inf
        elif event.event == "lns":
            _print_at(event.seconds, "  neighbourhood search over doctors and weeks")
        else:
            _print_at(event.seconds, "  compliant rota found")

    def flush(self) -> None:
        """Print the improvement held back, if any (call when the search ends)."""
        event, self._held = self._held, None
        if event is None:
            return
        self._last_s = event.seconds
        bound = "" if event.bound is None else f" (bound {event.bound:,.2f})"
        _print_at(event.seconds, f"  {event.value:,.2f} {event.unit}{bound}")


def _print_at(seconds: float, text: str) -> None:
    """One progress line on stderr: the search's elapsed time, then ``text``."""
    print(f"  {seconds:6.1f} s  {text}", file=sys.stderr)


class ProgressRelay:
    """Progress of a search running on another thread, shown when the user gets to it.

    The search calls the relay with each event; :meth:`follow` shows the events so
    far, then each new one as it comes, until the search is done.
    """

    def __init__(self) -> None:
        self._events: queue.SimpleQueue[ProgressEvent] = queue.SimpleQueue()

    def __call__(self, event: ProgressEvent) -> None:
        self._events.put(event)

    def follow(self, done: Callable[[], bool], show: Callable[[ProgressEvent], None]) -> None:
        """Pass every event to ``show`` until ``done()`` and no event is left."""
        while True:
            try:
                show(self._events.get(timeout=0.1))
            except queue.Empty:
                if done():
                    return


def register(sub) -> None:
    """Register the sub-command."""
    parser = sub.add_parser(
        "optimise",
        help="search a compliant rota that minimises pay loss, cost, headcount or unfairness",
        description=__doc__,
    )
    parser.add_argument("problem", metavar="PROBLEM", help="problem file (.toml or .xlsx)")
    parser.add_argument(
        "--objective",
        choices=OBJECTIVES,
        default=None,
        help="what to minimise (default: the problem's 'objective', else pay-loss)",
    )
    parser.add_argument(
        "--time-limit",
        type=time_limit,
        default=30.0,
        metavar="S",
        help="time for the whole command (reading, building and searching), seconds",
    )
    parser.add_argument(
        "--seed", type=cp_sat_seed, default=0, metavar="N", help="CP-SAT random seed (0-2147483647)"
    )
    parser.add_argument(
        "--workers",
        type=whole_number(1, MAX_WORKERS),
        default=2,
        metavar="W",
        help="CP-SAT workers (1: reproducible)",
    )
    parser.add_argument(
        "--deterministic",
        action="store_true",
        help="count the time limit in CP-SAT deterministic seconds (reproducible with 1 worker)",
    )
    parser.add_argument("--out", metavar="ROTA", default=None, help="write the rota found here")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="per doctor: pay components before and after, the change and what drove it "
        "(JSON: an 'explain' list; CSV: one row of components per doctor)",
    )
    add_contract_set(parser)
    add_allow_outside(parser, "problem file (reference_rota)")
    add_format_option(parser)
    parser.set_defaults(run=run)


def _gbp(x: float | None) -> str:
    return "-" if x is None else f"{x:,.0f}"


def render_table(result: OptimiseResult) -> None:
    """Print the before/after comparison of a result."""
    rows = []
    for d in result.doctors:
        band = f" ({d['reference_band_2002']})" if d["reference_band_2002"] else ""
        rows.append(
            [
                d["id"] + ("" if d["used"] else " (unused)"),
                _gbp(d["reference_gbp"]) + band,
                _gbp(d["current_2026_gbp"]),
                _gbp(d["loss_before_gbp"]),
                _gbp(d["pay_2026_gbp"]),
                _gbp(d["loss_gbp"]),
                f"{d['hours_per_week']:.1f}",
                str(d["nights"]),
                str(d["weekends"]),
            ]
        )
    s = result.summary()
    caption = (
        f"loss: total {_gbp(s['total_loss_gbp'])}, largest {_gbp(s['max_loss_gbp'])} "
        f"(current lines: {_gbp(s['total_loss_before_gbp'])}, "
        f"{_gbp(s['max_loss_before_gbp'])}); GBP/year, 2026 pay re-priced by the pay engine"
    )
    gap = "-" if result.gap is None else f"{result.gap:.2%}"
    bound = "-" if result.bound is None else f"{result.bound:,.2f}"
    first = result.time_to_first_rota_s
    print_table(
        f"{result.problem.name}: {result.objective} {result.status} — objective "
        f"{result.objective_value:,.2f} {result.unit}, bound {bound}, gap {gap}; "
        f"first rota at {first:.1f} s, {result.wall_time_s:.1f} s in all",
        [
            "doctor",
            "2002 ref",
            "2026 now",
            "loss now",
            "2026 new",
            "loss new",
            "h/wk",
            "nights",
            "wkends",
        ],
        rows,
        caption=caption,
    )
    checked = "compliant" if result.compliant else "NOT compliant"
    console().print(f"rules check ({result.problem.rules}): {checked}")


def render_explain(entries: list[dict]) -> None:
    """Print each doctor's pay explanation as a block of at most 80 columns."""
    from optimizer.explain import explanation_lines

    for entry in entries:
        print()
        print("\n".join(explanation_lines(entry)))


def _explain(result: OptimiseResult, params: dict) -> list[dict]:
    """The per-doctor explanation, priced with the ``--set`` parameters when given."""
    from optimizer.explain import explain

    return explain(
        result, pay_params=params.get("wales-2026"), pay_params_2002=params.get("nhs-2002")
    )


def _json(result: OptimiseResult, with_explain: bool, params: dict | None = None) -> dict:
    """The JSON of a result, with ``explain`` when asked for."""
    out = result.to_json()
    if with_explain:
        out["explain"] = _explain(result, params or {})
    return out


#: Message of exit status 1 when no rota was found within the time limit.
_NO_ROTA = "rota: no rota found within {:g} s: give more time (--time-limit)"
#: Formats ``--out`` may write.
ROTA_SUFFIXES = (".toml", ".csv", ".xlsx")


def check_rota_out(out: str) -> None:
    """Refuse an ``--out`` the rota could not be written to, before any work.

    Raises
    ------
    simulator.model.UserError
        An unknown suffix, a folder, or a parent folder that does not exist.
    """
    from simulator.model import UserError

    path = Path(out)
    if path.suffix.lower() not in ROTA_SUFFIXES:
        raise UserError(f"--out {out}: use a .toml, .csv or .xlsx file name")
    if path.is_dir():
        raise UserError(f"--out {out}: is a folder")
    if not path.resolve().parent.is_dir():
        raise UserError(f"--out {out}: folder {path.resolve().parent} does not exist")


def run(args) -> int:
    """Run ``rota optimise``."""
    from optimizer.explain import explanation_csv
    from optimizer.problem import read_problem
    from optimizer.solve import solve
    from simulator.contracts import load_all_params, parse_overrides
    from simulator.io import write_rota

    t0 = time.monotonic()  # --time-limit bounds the whole command, reading included
    if args.out:
        check_rota_out(args.out)
    overrides = parse_overrides(args.overrides)
    problem = read_problem(args.problem, allow_outside=args.allow_outside, pay_overrides=overrides)
    params = load_all_params(problem.pay_year, (), overrides) if overrides else {}
    progress = StderrProgress() if sys.stderr.isatty() else None
    left_s = args.time_limit - (time.monotonic() - t0)
    if left_s <= 0:
        print(_NO_ROTA.format(args.time_limit), file=sys.stderr)
        return 1
    result = solve(
        problem,
        args.objective,
        time_limit_s=left_s,
        seed=args.seed,
        workers=args.workers,
        deterministic=args.deterministic,
        progress=progress,
        pay_params=params.get("wales-2026"),
    )
    if progress is not None:
        progress.flush()
    if result.status == "infeasible":
        message = result.conflict.message if result.conflict else "infeasible"
        if args.format == "json":
            print_json(_json(result, args.explain, params))
        print(f"rota: {message}", file=sys.stderr)
        return EXIT_INFEASIBLE
    if result.rota is None:
        if args.format == "json":
            print_json(_json(result, args.explain, params))
        print(_NO_ROTA.format(args.time_limit), file=sys.stderr)
        return 1
    if args.out:
        write_rota(result.rota, Path(args.out))
    if args.format == "json":
        print_json(_json(result, args.explain, params))
    elif args.format == "csv" and args.explain:
        print_csv(*explanation_csv(_explain(result, params)))
    else:
        render_table(result)
        if args.out:
            console().print(f"wrote {args.out}")
        if args.explain:
            render_explain(_explain(result, params))
    if not result.compliant:
        print("rota: the rules engine found violations in the rota found", file=sys.stderr)
        return 1
    return 0


def demo_solve(
    *,
    time_limit_s: float = DEMO_TIME_LIMIT_S,
    progress: Callable[[ProgressEvent], None] | None = None,
):
    """Redesign the bundled F1 medicine rota with a fixed seed.

    Parameters
    ----------
    time_limit_s
        Search time, seconds (default :data:`DEMO_TIME_LIMIT_S`).
    progress
        Called with the search's progress events (e.g. a :class:`StderrProgress`).

    Returns
    -------
    optimizer.solve.OptimiseResult
    """
    from optimizer.solve import solve
    from simulator.examples import example_path

    return solve(
        example_path(DEPARTMENT_PROBLEM),
        time_limit_s=time_limit_s,
        seed=0,
        workers=2,
        progress=progress,
    )


def demo_render(result, fmt: str) -> dict:
    """Print a :func:`demo_solve` result (``"table"``; other formats print nothing).

    Returns
    -------
    dict
        The JSON of ``rota optimise`` plus ``rota_toml``, the rota found as TOML text.
    """
    from simulator.io import rota_to_toml

    if fmt == "table" and result.rota is not None:
        render_table(result)
    out = result.to_json()
    out["rota_toml"] = rota_to_toml(result.rota) if result.rota is not None else None
    return out
