"""Resource and range limits on everything read from files and command lines.

Every reader refuses input beyond these limits at read time, with a one-line
error naming the file, the field and the limit, e.g. ``weeks = 100000 exceeds
the limit of 52 weeks for a problem (ROTA_MAX_PROBLEM_WEEKS)``. The limits keep a
malformed or hostile file from taking minutes or gigabytes before it is refused;
none comes near a real rota, problem or benchmark instance.

**Override.** Each limit is read from the environment variable it is named
after when that is set (a whole number >= 0), else its default, e.g.::

    ROTA_MAX_PROBLEM_WEEKS=104 rota optimise big.toml

The variable is read each time the limit is checked, so tests may set it with
``monkeypatch.setenv``. A variable that is not a whole number is a
:class:`~simulator.model.UserError`. See ``docs/limits.md``.

Two bounds are facts of the libraries rather than policy and cannot be changed:
:data:`CP_SAT_MAX_SEED` and :data:`NUMPY_MAX_SEED`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass

from .model import UserError, brief

_WHOLE = re.compile(r"[0-9]{1,18}", re.ASCII)


@dataclass(frozen=True, slots=True)
class Limit:
    """One limit: its environment variable, default value, unit and reason.

    Attributes
    ----------
    env
        Name of the environment variable that overrides the default.
    default
        The value when the variable is not set.
    unit
        Unit of the value, plural (``"weeks"``).
    scope
        What it limits, completing "the limit of N <unit> ..." (``"for a problem"``).
    why
        Why the limit exists and why this value (for the documentation).
    """

    env: str
    default: int
    unit: str
    scope: str
    why: str

    @property
    def value(self) -> int:
        """The limit in force: the environment variable if set, else the default.

        Raises
        ------
        UserError
            The variable is set but is not a whole number >= 0.
        """
        text = os.environ.get(self.env)
        if text is None or not text.strip():
            return self.default
        if not _WHOLE.fullmatch(text.strip()):
            raise UserError(f"environment variable {self.env}={text!r}: expected a whole number")
        return int(text.strip())

    def exceeded(self, value: float, field: str, *, magnitude: bool = False) -> str | None:
        """The refusal message when ``value`` is over the limit, else ``None``.

        Parameters
        ----------
        value
            The value read (a count, size or length in :attr:`unit`).
        field
            How the value is named in the message, e.g. ``"weeks"``.
        magnitude
            Compare the size of the value (``abs(value)``), for signed amounts.

        Examples
        --------
        >>> PROBLEM_WEEKS.exceeded(100000, "weeks")
        'weeks = 100000 exceeds the limit of 52 weeks for a problem (ROTA_MAX_PROBLEM_WEEKS)'
        """
        limit = self.value
        if (abs(value) if magnitude else value) <= limit:
            return None
        shown = f"{value:g}" if isinstance(value, float) else brief(value)
        unit = f" {self.unit}" if self.unit else ""
        return f"{field} = {shown} exceeds the limit of {limit:,}{unit} {self.scope} ({self.env})"


ROTA_WEEKS = Limit(
    "ROTA_MAX_ROTA_WEEKS",
    104,
    "weeks",
    "for a rota cycle",
    "two years is longer than any rotation; a rolling group expands to one line per "
    "week, so lines x days grows with the square of the weeks",
)
PROBLEM_WEEKS = Limit(
    "ROTA_MAX_PROBLEM_WEEKS",
    52,
    "weeks",
    "for a problem",
    "the search model has a variable per doctor, day and shift type and constraints "
    "over windows of days; a year is the longest cycle rostered",
)
LINES = Limit(
    "ROTA_MAX_LINES",
    100_000,
    "lines",
    "in a rota",
    "far above any department (hundreds of lines); each line is compiled and priced",
)
GRID_CELLS = Limit(
    "ROTA_MAX_GRID_CELLS",
    2_000_000,
    "line-days",
    "in a rota (lines x cycle days)",
    "the compiled rota holds every duty of every line; rota hours on 2 million "
    "line-days (2,700 lines of 104 weeks) takes about 10 s and 0.5 GB",
)
SHIFT_TYPES = Limit(
    "ROTA_MAX_SHIFT_TYPES",
    200,
    "shift types",
    "in a file",
    "rotas use a handful of shift types; the optimiser's model grows with each",
)
FILE_MB = Limit(
    "ROTA_MAX_FILE_MB",
    20,
    "MB",
    "for a text file (TOML, CSV, benchmark instance)",
    "the largest bundled file is under 0.5 MB; parsing keeps several copies in memory",
)
XLSX_MB = Limit(
    "ROTA_MAX_XLSX_MB",
    50,
    "MB",
    "uncompressed for a workbook",
    "checked from the zip directory before the workbook is opened, so a small file "
    "that unpacks to gigabytes (a zip bomb) is refused unread",
)
ZIP_MEMBERS = Limit(
    "ROTA_MAX_ZIP_MEMBERS",
    1000,
    "members",
    "in a workbook's zip archive",
    "a workbook of a few sheets has about a dozen parts",
)
SHEET_ROWS = Limit(
    "ROTA_MAX_SHEET_ROWS",
    5000,
    "rows",
    "in a problem sheet or CSV table",
    "a problem's tables (doctors, leave, requests) have tens to hundreds of rows",
)
TOML_DEPTH = Limit(
    "ROTA_MAX_TOML_DEPTH",
    32,
    "levels",
    "of nested arrays and inline tables in TOML",
    "the formats nest three levels deep; Python's TOML parser recurses per level and "
    "fails on about a thousand",
)
PROBLEM_DOCTOR_DAYS = Limit(
    "ROTA_MAX_PROBLEM_DOCTOR_DAYS",
    20_000,
    "doctor-days",
    "for a problem (doctors x cycle days)",
    "the search model has a variable per doctor, day and shift type; 20,000 "
    "doctor-days (e.g. 55 doctors over a year) builds in under a minute",
)
COUNT = Limit(
    "ROTA_MAX_COUNT",
    999_999,
    "",
    "for a count of doctors or days",
    "cover counts are doctors on one shift; the model needs them to fit its integers",
)
YEARS_OF_SERVICE = Limit(
    "ROTA_MAX_YEARS_OF_SERVICE",
    60,
    "years",
    "of service",
    "a working life; pay scales stop well before",
)
AMOUNT_GBP = Limit(
    "ROTA_MAX_AMOUNT",
    1_000_000_000,
    "",
    "for an amount (GBP, hours or weight)",
    "money, hours and weights are converted to whole pence or minutes in 64-bit "
    "integers by the search model",
)
NRP_HORIZON = Limit(
    "ROTA_MAX_NRP_HORIZON",
    728,
    "days",
    "for a benchmark instance",
    "the benchmark's longest horizon is 364 days; the model is built per day",
)
NRP_STAFF = Limit(
    "ROTA_MAX_NRP_STAFF",
    1000,
    "staff",
    "in a benchmark instance",
    "the benchmark's largest instance has 150 staff",
)
SIMULATION_YEARS = Limit(
    "ROTA_MAX_SIMULATION_YEARS",
    100,
    "years",
    "per simulation run",
    "run time grows with the simulated years; a working life is enough",
)
SIMULATION_RUNS = Limit(
    "ROTA_MAX_SIMULATION_RUNS",
    1_000_000,
    "runs",
    "per line",
    "memory and time grow with the runs; 1000 runs give percentiles to a few pounds",
)
#: Earliest calendar year of a ``start`` date (not overridable).
FIRST_YEAR = 1900
LAST_YEAR = Limit(
    "ROTA_LAST_YEAR",
    2200,
    "",
    "for the last calendar year of a cycle",
    "start dates lay the cycle on the calendar for bank holidays; dates near year "
    "9999 overflow the calendar arithmetic",
)

#: Every overridable limit, in the order documented.
LIMITS: tuple[Limit, ...] = (
    ROTA_WEEKS,
    PROBLEM_WEEKS,
    LINES,
    GRID_CELLS,
    SHIFT_TYPES,
    FILE_MB,
    XLSX_MB,
    ZIP_MEMBERS,
    SHEET_ROWS,
    TOML_DEPTH,
    PROBLEM_DOCTOR_DAYS,
    COUNT,
    YEARS_OF_SERVICE,
    AMOUNT_GBP,
    NRP_HORIZON,
    NRP_STAFF,
    SIMULATION_YEARS,
    SIMULATION_RUNS,
    LAST_YEAR,
)

#: Largest CP-SAT random seed (a 32-bit signed integer in its parameters).
CP_SAT_MAX_SEED = 2**31 - 1
#: Largest NumPy root seed accepted on the command line (a 64-bit signed integer).
NUMPY_MAX_SEED = 2**63 - 1

MB = 1024 * 1024


def date_range_error(start: dt.date, days: int) -> str | None:
    """The refusal message when a cycle of ``days`` from ``start`` leaves the calendar range.

    The cycle must start in :data:`FIRST_YEAR` or later and end in :data:`LAST_YEAR`
    or earlier; else the message names the start, the end and the limit.

    Examples
    --------
    >>> date_range_error(dt.date(9999, 12, 27), 42)
    'start = 9999-12-27: the cycle runs past the last year 2200 (ROTA_LAST_YEAR)'
    """
    last = LAST_YEAR.value
    if start.year < FIRST_YEAR:
        return f"start = {start.isoformat()} is before {FIRST_YEAR}"
    if start.year > last or _end_year(start, days) > last:
        return (
            f"start = {start.isoformat()}: the cycle runs past the last year {last} "
            f"({LAST_YEAR.env})"
        )
    return None


def _end_year(start: dt.date, days: int) -> int:
    """Calendar year of the last day of a cycle of ``days`` from ``start`` (capped at 9999)."""
    try:
        return (start + dt.timedelta(days=max(days, 1) - 1)).year
    except OverflowError:
        return dt.MAXYEAR + 1


def limits_table() -> str:
    """The limits as a Markdown table (environment variable, default, unit, why)."""
    rows = ["| variable | default | unit | why |", "|---|---|---|---|"]
    for lim in LIMITS:
        default = str(lim.default) if lim is LAST_YEAR else f"{lim.default:,}"
        rows.append(f"| `{lim.env}` | {default} | {lim.unit or '-'} | {lim.why} |")
    return "\n".join(rows)
