"""Compile a :class:`~simulator.model.Rota` into flat NumPy arrays for the kernels.

This is the only bridge between domain objects and numeric kernels. Duties are
stored line by line, each line's duties sorted by start; ``offsets[i]:offsets[i+1]``
selects line ``i``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .calendar import bank_holiday_mask
from .model import GRADE_CODE, KIND_CODE, MIN_PER_DAY, Rota

KIND_SHIFT, KIND_PARTIAL, KIND_ONCALL, KIND_NROC = (
    KIND_CODE[k] for k in ("shift", "partial", "oncall", "nroc")
)


@dataclass(frozen=True, slots=True)
class CompiledRota:
    """Flat arrays describing every duty of every line of a rota.

    Attributes
    ----------
    weeks, n_days, cycle_min
        Cycle length in weeks, days and minutes.
    line_ids
        Line ids in order.
    offsets
        int64, shape (n_lines + 1,): duties of line ``i`` are ``offsets[i]:offsets[i+1]``.
    start_min
        int32 per duty: start, minutes from Monday 00:00 of week 1, in ``[0, cycle_min)``.
    duration_min
        int32 per duty: rostered length, minutes.
    kind
        int8 per duty: 0 shift, 1 partial, 2 resident on-call, 3 NROC.
    work_min
        float64 per duty: actual work, minutes (see ``ShiftType.work_min``).
    rest_min
        float64 per duty: declared rest, minutes.
    expected_work_min
        float64 per duty: declared expected work on call, minutes (NaN if none).
    day
        int32 per duty: cycle day on which it starts.
    shift_index
        int32 per duty: index into ``shift_codes``.
    shift_codes
        Shift codes in the order of ``shift_index``.
    bank_holiday
        bool per cycle day: England-and-Wales bank holiday (all False without a start).
    grade, years, ltft
        Per line: grade code (0 F1, 1 F2, 2 CT, 3 ST), completed years, LTFT flag.
    specialty
        Per line specialty string.
    criterion_r, resident
        int8 per line: declared value (0/1) or -1 when the template decides.
    prospective_cover
        bool per line.
    """

    weeks: int
    n_days: int
    cycle_min: int
    line_ids: tuple[str, ...]
    offsets: np.ndarray
    start_min: np.ndarray
    duration_min: np.ndarray
    kind: np.ndarray
    work_min: np.ndarray
    rest_min: np.ndarray
    expected_work_min: np.ndarray
    day: np.ndarray
    shift_index: np.ndarray
    shift_codes: tuple[str, ...]
    bank_holiday: np.ndarray
    grade: np.ndarray
    years: np.ndarray
    ltft: np.ndarray
    specialty: tuple[str, ...]
    criterion_r: np.ndarray
    resident: np.ndarray
    prospective_cover: np.ndarray

    @property
    def n_lines(self) -> int:
        """Number of lines."""
        return len(self.line_ids)

    @property
    def n_duties(self) -> int:
        """Number of duties over all lines."""
        return int(self.offsets[-1])

    def line_slice(self, i: int) -> slice:
        """Slice of the duty arrays belonging to line ``i``."""
        return slice(int(self.offsets[i]), int(self.offsets[i + 1]))

    def lines(self, lo: int, hi: int) -> CompiledRota:
        """Lines ``lo:hi`` as a compiled rota of their own.

        The duty and per-line arrays are views of this rota's (the offsets are
        rebased to start at 0); the cycle, shift codes and bank holidays are shared.
        """
        first = int(self.offsets[lo])
        duties = slice(first, int(self.offsets[hi]))
        return replace(
            self,
            line_ids=self.line_ids[lo:hi],
            offsets=self.offsets[lo : hi + 1] - first,
            **{name: getattr(self, name)[duties] for name in _DUTY_FIELDS},
            **{name: getattr(self, name)[lo:hi] for name in _LINE_FIELDS},
        )


#: Per-duty arrays of :class:`CompiledRota`.
_DUTY_FIELDS = (
    "start_min", "duration_min", "kind", "work_min", "rest_min", "expected_work_min", "day",
    "shift_index",
)  # fmt: skip
#: Per-line fields of :class:`CompiledRota` besides ``line_ids``.
_LINE_FIELDS = (
    "grade", "years", "ltft", "specialty", "criterion_r", "resident", "prospective_cover",
)  # fmt: skip


def _tri(value: bool | None) -> int:
    return -1 if value is None else int(value)


def as_compiled(rota: Rota | CompiledRota) -> CompiledRota:
    """The compiled form of a rota: a :class:`Rota` is compiled, a compiled one returned.

    Parameters
    ----------
    rota
        A rota or an already compiled rota.

    Returns
    -------
    CompiledRota
    """
    return compile_rota(rota) if isinstance(rota, Rota) else rota


def compile_rota(rota: Rota) -> CompiledRota:
    """Compile a validated rota into flat arrays.

    Parameters
    ----------
    rota
        The rota.

    Returns
    -------
    CompiledRota
    """
    codes = tuple(rota.shifts)
    code_index = {code: i for i, code in enumerate(codes)}
    shift_list = [rota.shifts[c] for c in codes]
    # per shift-type tables
    st_start = np.array([s.start_min for s in shift_list], dtype=np.int32)
    st_len = np.array([s.duration_min for s in shift_list], dtype=np.int32)
    st_kind = np.array([KIND_CODE[s.kind] for s in shift_list], dtype=np.int8)
    st_work = np.array([s.work_min for s in shift_list], dtype=np.float64)
    st_rest = np.array([60.0 * s.rest_hours for s in shift_list], dtype=np.float64)
    st_exp = np.array(
        [
            np.nan if s.expected_work_hours is None else 60.0 * s.expected_work_hours
            for s in shift_list
        ],
        dtype=np.float64,
    )

    offsets = np.zeros(len(rota.lines) + 1, dtype=np.int64)
    days: list[int] = []
    idx: list[int] = []
    for i, line in enumerate(rota.lines):
        entries = sorted(
            (
                (d * MIN_PER_DAY + rota.shifts[c].start_min, d, code_index[c])
                for d, cell in enumerate(line.days)
                for c in cell
            )
        )
        days.extend(e[1] for e in entries)
        idx.extend(e[2] for e in entries)
        offsets[i + 1] = offsets[i] + len(entries)
    day = np.asarray(days, dtype=np.int32)
    shift_index = np.asarray(idx, dtype=np.int32)
    start_min = (day * MIN_PER_DAY + st_start[shift_index]).astype(np.int32)

    return CompiledRota(
        weeks=rota.weeks,
        n_days=rota.n_days,
        cycle_min=rota.cycle_min,
        line_ids=tuple(line.id for line in rota.lines),
        offsets=offsets,
        start_min=start_min,
        duration_min=st_len[shift_index].astype(np.int32),
        kind=st_kind[shift_index].astype(np.int8),
        work_min=st_work[shift_index].astype(np.float64),
        rest_min=st_rest[shift_index].astype(np.float64),
        expected_work_min=st_exp[shift_index].astype(np.float64),
        day=day,
        shift_index=shift_index,
        shift_codes=codes,
        bank_holiday=bank_holiday_mask(rota.start, rota.n_days),
        grade=np.array([GRADE_CODE[line.grade] for line in rota.lines], dtype=np.int8),
        years=np.array([line.years for line in rota.lines], dtype=np.int16),
        ltft=np.array([line.ltft for line in rota.lines], dtype=np.bool_),
        specialty=tuple(line.specialty for line in rota.lines),
        criterion_r=np.array([_tri(line.criterion_r) for line in rota.lines], dtype=np.int8),
        resident=np.array([_tri(line.resident) for line in rota.lines], dtype=np.int8),
        prospective_cover=np.array([line.prospective_cover for line in rota.lines], dtype=np.bool_),
    )
