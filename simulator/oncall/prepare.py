"""Per-line inputs of the simulation, taken from the compiled rota arrays.

For every line: its NROC shifts (start, length) with the resident duties near
each one (which are neither rest nor NROC work), and its resident shifts with the
rostered rest until the next resident duty (the gap an overrun eats into). Both
engines read the same plan, so they simulate the same rota.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..compile import KIND_NROC, CompiledRota
from ..definitions import load_definitions
from ..kernels.intervals import MIN_PER_DAY, cyclic_gaps, merge_periods
from .params import OncallParams

#: Margin around each NROC shift within which resident duties are collected, minutes:
#: overnight windows overlapping the shift reach at most two days either side.
_MARGIN_MIN = 2 * MIN_PER_DAY


@dataclass(frozen=True, slots=True)
class LinePlan:
    """The simulation inputs of one line (times in minutes, float64).

    Attributes
    ----------
    nroc_start, nroc_len
        NROC shifts: start in the cycle and rostered length.
    fixed_offsets, fixed_lo, fixed_hi
        Resident duty near NROC shift ``j``: intervals
        ``fixed_offsets[j]:fixed_offsets[j+1]``, relative to the shift start,
        sorted and disjoint.
    res_start, res_len, res_rest_after
        Resident shifts: start in the cycle, length, and rostered rest until the
        next resident duty (0 when another resident duty follows at once).
    """

    nroc_start: np.ndarray
    nroc_len: np.ndarray
    fixed_offsets: np.ndarray
    fixed_lo: np.ndarray
    fixed_hi: np.ndarray
    res_start: np.ndarray
    res_len: np.ndarray
    res_rest_after: np.ndarray


@dataclass(frozen=True, slots=True)
class RotaPlan:
    """The simulation inputs of a rota: one :class:`LinePlan` per line and the time base.

    Attributes
    ----------
    line_ids
        Line ids in order.
    lines
        One plan per line.
    weeks, cycle_min
        Cycle length in weeks and minutes.
    plain_day
        bool per cycle day: plain time applies (Monday-Friday, not a bank holiday).
    plain_lo_min, plain_hi_min
        Plain time of day, minutes after midnight.
    """

    line_ids: tuple[str, ...]
    lines: tuple[LinePlan, ...]
    weeks: int
    cycle_min: int
    plain_day: np.ndarray
    plain_lo_min: float
    plain_hi_min: float

    @property
    def nroc_shifts_per_cycle(self) -> np.ndarray:
        """Number of NROC shifts per cycle, per line."""
        return np.array([len(line.nroc_start) for line in self.lines], dtype=np.int64)


def _rest_after(starts: np.ndarray, lengths: np.ndarray, cycle_min: int) -> np.ndarray:
    """Rostered rest after each duty until the next one on the cycle, minutes."""
    n = len(starts)
    out = np.zeros(n, dtype=np.float64)
    if n == 0:
        return out
    p_start = np.empty(n, dtype=np.int64)
    p_end = np.empty(n, dtype=np.int64)
    select = np.ones(n, dtype=np.bool_)
    m = merge_periods(starts, lengths, select, cycle_min, p_start, p_end)
    if m <= 0:
        return out  # never off duty
    gaps = np.empty(m, dtype=np.int64)
    cyclic_gaps(p_start, p_end, m, cycle_min, gaps)
    ends = starts.astype(np.int64) + lengths
    for p in range(m):
        hit = (ends == p_end[p]) | (ends - cycle_min == p_end[p])
        out[hit] = gaps[p]
    return out


def _fixed_near(
    s: int, horizon: float, res_s: np.ndarray, res_e: np.ndarray, cycle_min: int
) -> tuple[np.ndarray, np.ndarray]:
    """Resident duty intervals within ``[s - margin, s + horizon + margin)``, relative to s."""
    lo_abs = s - _MARGIN_MIN
    hi_abs = s + horizon + _MARGIN_MIN
    lo: list[float] = []
    hi: list[float] = []
    longest = float(res_e.max() - res_s.min()) if len(res_s) else 0.0
    first = int(np.floor((lo_abs - longest) / cycle_min)) - 1
    last = int(np.ceil(hi_abs / cycle_min)) + 1
    for lap in range(first, last + 1):
        for a, b in zip(res_s + lap * cycle_min, res_e + lap * cycle_min, strict=True):
            if b > lo_abs and a < hi_abs:
                lo.append(float(a - s))
                hi.append(float(b - s))
    order = np.argsort(lo, kind="stable")
    out_lo: list[float] = []
    out_hi: list[float] = []
    for k in order:
        if out_lo and lo[k] <= out_hi[-1]:
            out_hi[-1] = max(out_hi[-1], hi[k])
        else:
            out_lo.append(lo[k])
            out_hi.append(hi[k])
    return np.array(out_lo, dtype=np.float64), np.array(out_hi, dtype=np.float64)


def prepare(compiled: CompiledRota, params: OncallParams) -> RotaPlan:
    """Build the simulation plan of every line.

    Parameters
    ----------
    compiled
        The compiled rota.
    params
        On-call parameters (the rest period ``rest.per_h`` sets how far ahead
        resident duties are collected).

    Returns
    -------
    RotaPlan
    """
    defs = load_definitions()
    cycle = compiled.cycle_min
    per_min = 60.0 * float(params["rest.per_h"])
    lines = []
    for i in range(compiled.n_lines):
        sl = compiled.line_slice(i)
        start = compiled.start_min[sl].astype(np.int64)
        length = compiled.duration_min[sl].astype(np.int64)
        kind = compiled.kind[sl]
        nroc = (kind == KIND_NROC) & (length > 0)
        res = (kind != KIND_NROC) & (length > 0)
        res_s, res_e = start[res], start[res] + length[res]
        offsets = [0]
        f_lo: list[np.ndarray] = []
        f_hi: list[np.ndarray] = []
        for s, ln in zip(start[nroc], length[nroc], strict=True):
            a, b = _fixed_near(int(s), max(float(ln), per_min), res_s, res_e, cycle)
            f_lo.append(a)
            f_hi.append(b)
            offsets.append(offsets[-1] + len(a))
        lines.append(
            LinePlan(
                nroc_start=start[nroc].astype(np.float64),
                nroc_len=length[nroc].astype(np.float64),
                fixed_offsets=np.array(offsets, dtype=np.int64),
                fixed_lo=np.concatenate(f_lo) if f_lo else np.zeros(0),
                fixed_hi=np.concatenate(f_hi) if f_hi else np.zeros(0),
                res_start=start[res].astype(np.float64),
                res_len=length[res].astype(np.float64),
                res_rest_after=_rest_after(
                    start[res].astype(np.int32), length[res].astype(np.int32), cycle
                ),
            )
        )
    plain_day = np.array(
        [d % 7 < 5 and not compiled.bank_holiday[d] for d in range(compiled.n_days)],
        dtype=np.bool_,
    )
    return RotaPlan(
        line_ids=compiled.line_ids,
        lines=tuple(lines),
        weeks=compiled.weeks,
        cycle_min=cycle,
        plain_day=plain_day,
        plain_lo_min=float(defs.plain_start_min),
        plain_hi_min=float(defs.plain_end_min),
    )
