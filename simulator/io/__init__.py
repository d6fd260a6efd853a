"""Reading and writing rota files: TOML, CSV grids and XLSX grids.

Core code never reads files; everything enters through :func:`read_rota`.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Rota, RotaError
from .grid import read_csv_rota, read_xlsx_rota, write_csv_rota, write_xlsx_rota
from .toml_rota import read_toml_rota, rota_from_toml_text, rota_to_toml, write_toml_rota

__all__ = ["read_rota", "write_rota", "rota_to_toml", "rota_from_toml_text", "RotaError"]


def read_rota(path: str | Path, *, shifts: str | Path | None = None) -> Rota:
    """Read a rota file, choosing the format by extension.

    Parameters
    ----------
    path
        ``.toml``, ``.csv`` or ``.xlsx``.
    shifts
        For CSV grids: the TOML file with the ``[shifts]`` table (default
        ``<grid>.shifts.toml``).

    Raises
    ------
    RotaError
        With a one-line message naming file, line id, day and field; also for a file
        beyond the limits of :mod:`simulator.limits` (size, weeks, lines, nesting),
        checked before the work that grows with them.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".toml":
        return read_toml_rota(path)
    if suffix == ".csv":
        return read_csv_rota(path, shifts)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx_rota(path)
    raise RotaError(
        f"unknown rota format {suffix or '(none)'!r}: use .toml, .csv or .xlsx", file=str(path)
    )


def write_rota(rota: Rota, path: str | Path) -> None:
    """Write a rota, choosing the format by extension (``.toml``, ``.csv``, ``.xlsx``)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".toml":
        write_toml_rota(rota, path)
    elif suffix == ".csv":
        write_csv_rota(rota, path)
    elif suffix == ".xlsx":
        write_xlsx_rota(rota, path)
    else:
        raise RotaError(f"unknown rota format {suffix!r}: use .toml, .csv or .xlsx", file=str(path))
