"""Helpers shared by sub-commands: rota arguments and loading."""

from __future__ import annotations

import argparse
import math
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.model import Rota


def add_rota_argument(parser) -> None:
    """Add the ``ROTA`` positional argument and ``--shifts`` for CSV grids."""
    parser.add_argument("rota", metavar="ROTA", help="rota file (.toml, .csv or .xlsx)")
    parser.add_argument(
        "--shifts",
        metavar="FILE",
        default=None,
        help="shift definitions (TOML) for a CSV grid; default <grid>.shifts.toml beside it",
    )


def load_rota(args) -> Rota:
    """Read the rota named on the command line."""
    from simulator.io import read_rota

    return read_rota(args.rota, shifts=args.shifts)


#: A whole number on the command line: ASCII digits (``int`` also reads ``'３'`` and
#: ``'1_000'``), at most 30 of them.
_WHOLE = re.compile(r"[+-]?[0-9]{1,30}", re.ASCII)
#: A decimal number on the command line (``float`` also reads ``nan``, ``inf``, ``'３'``).
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?", re.ASCII)
#: Most CP-SAT workers accepted.
MAX_WORKERS = 1024


def whole_number(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse ``type``: a whole number from ``minimum`` to ``maximum`` (if given)."""

    def parse(text: str) -> int:
        if not _WHOLE.fullmatch(text.strip()):
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text[:40]!r}")
        value = int(text.strip())
        if value < minimum:
            limit = "must not be negative" if minimum == 0 else f"must be at least {minimum}"
            raise argparse.ArgumentTypeError(f"{limit}, got {value}")
        if maximum is not None and value > maximum:
            shown = value if value < 10**24 else f"{text.strip()[:12]}..."
            raise argparse.ArgumentTypeError(f"must be at most {maximum:,}, got {shown}")
        return value

    return parse


def _decimal(text: str) -> float:
    """A finite number written in ASCII digits (no ``nan``, ``inf`` or ``1e999``)."""
    value = float(text) if _DECIMAL.fullmatch(text.strip()) else math.nan
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text[:40]!r}")
    return value


def positive_number(text: str) -> float:
    """An argparse ``type``: a finite number greater than zero."""
    value = _decimal(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def time_limit(text: str) -> float:
    """An argparse ``type`` for ``--time-limit``: finite seconds greater than zero."""
    value = _decimal(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text}")
    return value


def simulation_years(text: str) -> float:
    """An argparse ``type`` for ``--years``: positive, at most ``ROTA_MAX_SIMULATION_YEARS``."""
    from simulator import limits

    value = positive_number(text)
    if (message := limits.SIMULATION_YEARS.exceeded(value, "--years")) is not None:
        raise argparse.ArgumentTypeError(message)
    return value


def simulation_runs(text: str) -> int:
    """An argparse ``type`` for ``--runs``: 1 to ``ROTA_MAX_SIMULATION_RUNS``."""
    from simulator import limits

    value = whole_number(1)(text)
    if (message := limits.SIMULATION_RUNS.exceeded(value, "--runs")) is not None:
        raise argparse.ArgumentTypeError(message)
    return value


def cp_sat_seed(text: str) -> int:
    """An argparse ``type`` for a CP-SAT ``--seed``: 0 to 2**31 - 1 (its 32-bit seed)."""
    from simulator.limits import CP_SAT_MAX_SEED

    return whole_number(0, CP_SAT_MAX_SEED)(text)


def numpy_seed(text: str) -> int:
    """An argparse ``type`` for a NumPy root ``--seed``: 0 to 2**63 - 1."""
    from simulator.limits import NUMPY_MAX_SEED

    return whole_number(0, NUMPY_MAX_SEED)(text)


def make_out_folder(path: str | Path, option: str = "--out") -> Path:
    """Create an output folder (and its parents) before any work, or refuse it.

    Raises
    ------
    simulator.model.UserError
        The folder cannot be created (e.g. ``/proc/x``, a read-only place) or is
        not writable.
    """
    from simulator.model import UserError

    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{option} {folder}: cannot create the folder ({exc.strerror})") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"{option} {folder}: the folder is not writable")
    return folder


def add_allow_outside(parser, what: str) -> None:
    """Add ``--allow-outside``: accept files named in ``what`` outside its folder."""
    parser.add_argument(
        "--allow-outside",
        action="store_true",
        help=f"accept files named in the {what} that lie outside its folder (refused by default)",
    )


def add_contract_set(parser) -> None:
    """Add ``--set CONTRACT.KEY=VALUE`` (contract parameters), as ``rota pay`` has it."""
    parser.add_argument(
        "--set",
        metavar="CONTRACT.KEY=VALUE",
        action="append",
        default=[],
        dest="overrides",
        help="override one contract parameter, e.g. wales-2026.gp_premium_gbp=9000; may repeat",
    )
