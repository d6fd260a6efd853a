"""Helpers shared by sub-commands: rota arguments and loading."""

from __future__ import annotations

from simulator.io import read_rota
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
    return read_rota(args.rota, shifts=args.shifts)
