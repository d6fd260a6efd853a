"""Helpers shared by sub-commands: rota arguments and loading."""

from __future__ import annotations

import argparse
from collections.abc import Callable
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


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse ``type``: a whole number of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            limit = "must not be negative" if minimum == 0 else f"must be at least {minimum}"
            raise argparse.ArgumentTypeError(f"{limit}, got {value}")
        return value

    return parse


def positive_number(text: str) -> float:
    """An argparse ``type``: a number greater than zero."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value
