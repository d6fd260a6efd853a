"""Generated department problems: the staged search against plain CP-SAT, as a table.

For each size a problem is generated (:mod:`benchmarks.department`, seeded) and
solved twice in the same run with the same time limit and workers:

- **staged**: :func:`optimizer.solve.solve` (pre-check, elastic first rota, then
  the objective stages with CP-SAT and neighbourhood search);
- **plain CP-SAT**: the same hard model (:func:`optimizer.model.build_model`)
  minimising the first stage's objective from scratch, as the optimiser did before.

Reported: time to the first compliant rota (model building included), the first
stage's objective (pay loss plus the soft cover and request penalties, GBP), bound
and gap at the end, the pay loss alone of the staged search's rota (sum over doctors
of max(0, 2002 reference − 2026 pay), as re-priced by the pay engine), and the
ratio of the times to the first rota (plain ÷ staged; "—" when plain CP-SAT found
none). A size may carry its own generator seed: ``24x12@2``.

Example::

    python -m benchmarks.optimiser_table --sizes 8x6,12x12,24x12 --time-limit 60 \\
        --out docs/optimiser_results.md
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ortools.sat.python import cp_model

from benchmarks.department import generate_problem
from optimizer.model import build_model
from optimizer.objectives import stages
from optimizer.problem import read_problem
from optimizer.solve import solve

#: Shape of each default size: (doctors, weeks, shape, options).
DEFAULT_SIZES = "8x6,12x12:ed,16x12:ed,24x12,28x8:tiered,40x20,60x26"


@dataclass
class Outcome:
    """One method on one problem."""

    first_rota_s: float | None
    objective: float | None
    bound: float | None
    gap: float | None
    wall_s: float
    pay_loss_gbp: float | None = None


def parse_sizes(text: str, seed: int = 1) -> list[tuple[int, int, str, int]]:
    """Sizes as ``(doctors, weeks, shape, seed)``.

    ``"8x6,12x12:ed,24x12@2"`` gives ``(8, 6, "medical", seed)``,
    ``(12, 12, "ed", seed)`` and ``(24, 12, "medical", 2)``: ``@N`` gives a size its
    own generator seed.
    """
    out = []
    for item in text.split(","):
        item, _, own_seed = item.strip().partition("@")
        size, _, shape = item.partition(":")
        doctors, weeks = (int(x) for x in size.split("x"))
        out.append((doctors, weeks, shape or "medical", int(own_seed) if own_seed else seed))
    return out


class _First(cp_model.CpSolverSolutionCallback):
    def __init__(self, t0: float) -> None:
        super().__init__()
        self.t0, self.first = t0, None

    def on_solution_callback(self) -> None:
        if self.first is None:
            self.first = time.monotonic() - self.t0


def plain_cp_sat(path: Path, objective: str, seconds: float, seed: int, workers: int) -> Outcome:
    """The hard model minimising the first stage from scratch."""
    t0 = time.monotonic()
    problem = read_problem(path)
    m = build_model(problem, objective=objective)
    stage = stages(m, objective)[0]
    m.model.minimize(stage.expr)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = max(0.1, seconds - (time.monotonic() - t0))
    callback = _First(t0)
    status = solver.solve(m.model, callback)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    value = solver.objective_value / stage.scale if found else None
    bound = solver.best_objective_bound / stage.scale if found else None
    gap = None
    if found:
        gap = 0.0 if value == bound else abs(value - bound) / max(abs(value), 1e-9)
    return Outcome(callback.first, value, bound, gap, time.monotonic() - t0)


def staged(path: Path, objective: str, seconds: float, seed: int, workers: int) -> Outcome:
    """The optimiser's own pipeline."""
    t0 = time.monotonic()
    result = solve(path, objective, time_limit_s=seconds, seed=seed, workers=workers)
    wall_s = time.monotonic() - t0
    return Outcome(
        result.time_to_first_rota_s,
        result.objective_value,
        result.bound,
        result.gap,
        wall_s,
        result.summary()["total_loss_gbp"] if result.doctors else None,
    )


def _s(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}"


def _gbp(x: float | None) -> str:
    return "—" if x is None else f"{x:,.0f}"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1%}"


def table(rows: list[tuple[str, Outcome, Outcome]]) -> str:
    """Markdown table of the runs."""
    lines = [
        "| problem | first rota s (staged) | first rota s (plain) | ratio | "
        "objective £ (staged) | bound £ | gap | pay loss £ (staged) | objective £ (plain) "
        "| gap (plain) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, ours, plain in rows:
        ratio = "—"
        if ours.first_rota_s and plain.first_rota_s:
            ratio = f"{plain.first_rota_s / ours.first_rota_s:.1f}×"
        lines.append(
            f"| {name} | {_s(ours.first_rota_s)} | {_s(plain.first_rota_s)} | {ratio} | "
            f"{_gbp(ours.objective)} | {_gbp(ours.bound)} | {_pct(ours.gap)} | "
            f"{_gbp(ours.pay_loss_gbp)} | {_gbp(plain.objective)} | {_pct(plain.gap)} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="e.g. 8x6,12x12:ed,28x8:tiered")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per method")
    parser.add_argument("--seed", type=int, default=1, help="generator and solver seed")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--objective", default="pay-loss")
    parser.add_argument("--out", type=Path, default=None, help="markdown file to write")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for doctors, weeks, shape, seed in parse_sizes(args.sizes, args.seed):
            path = Path(tmp) / f"{shape}_{doctors}x{weeks}_{seed}.toml"
            path.write_text(
                generate_problem(doctors, weeks, seed=seed, shape=shape), encoding="utf-8"
            )
            run = (path, args.objective, args.time_limit, seed, args.workers)
            ours, plain = staged(*run), plain_cp_sat(*run)
            name = f"{shape} {doctors}×{weeks}" + (f" seed {seed}" if seed != args.seed else "")
            rows.append((name, ours, plain))
            print(json.dumps({"problem": name, "staged": vars(ours), "plain": vars(plain)}))
            sys.stdout.flush()
    text = table(rows)
    print(text)
    if args.out is not None:
        load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
        args.out.write_text(
            "# Generated department benchmark\n\n"
            f"`python -m benchmarks.optimiser_table --sizes {args.sizes} --time-limit "
            f"{args.time_limit:g} --seed {args.seed} --workers {args.workers}` "
            f"(objective {args.objective}; load after the run {load}).\n\n" + text + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
