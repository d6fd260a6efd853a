"""Synthetic rota lines for benchmarks and property tests.

:func:`synthetic_compiled` draws random but valid lines (no overlapping duties,
also across the cycle end) straight into a :class:`~simulator.compile.CompiledRota`
without building domain objects, so that millions of lines can be made quickly.
The draw is reproducible from the seed.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .compile import KIND_NROC, KIND_SHIFT, CompiledRota
from .model import MIN_PER_DAY, MIN_PER_WEEK

#: Shift catalogue: code, start (min after midnight), length (min), kind, expected work (min).
CATALOGUE = (
    ("D", 8 * 60, 8 * 60, KIND_SHIFT, np.nan),
    ("LD", 8 * 60, 12 * 60 + 30, KIND_SHIFT, np.nan),
    ("N", 20 * 60, 12 * 60 + 30, KIND_SHIFT, np.nan),
    ("T", 14 * 60, 10 * 60, KIND_SHIFT, np.nan),
    ("OC", 17 * 60, 16 * 60, KIND_NROC, 3.0 * 60),
    ("OCW", 9 * 60, 24 * 60, KIND_NROC, 7.0 * 60),
)

#: Day cells drawn: tuples of catalogue indices, with their weights.
CELLS = (
    ((), 0.36),
    ((0,), 0.26),
    ((1,), 0.13),
    ((2,), 0.09),
    ((3,), 0.05),
    ((0, 4), 0.06),
    ((5,), 0.05),
)


@njit(cache=True)
def _draw(cells, cell_a, cell_b, st_start, st_len):
    n_lines, n_days = cells.shape
    cycle = n_days * MIN_PER_DAY
    cap = n_lines * n_days * 2
    starts = np.empty(cap, dtype=np.int32)
    index = np.empty(cap, dtype=np.int32)
    offsets = np.zeros(n_lines + 1, dtype=np.int64)
    n = 0
    for line in range(n_lines):
        first = n
        last_end = -1
        for day in range(n_days):
            c = cells[line, day]
            for k in (cell_a[c], cell_b[c]):
                if k < 0:
                    continue
                s = day * MIN_PER_DAY + st_start[k]
                if s < last_end:
                    continue  # would overlap the previous duty: leave the slot empty
                starts[n] = s
                index[n] = k
                last_end = s + st_len[k]
                n += 1
        # the cycle repeats: drop trailing duties that run into the line's first duty
        while n - first > 1 and starts[n - 1] + st_len[index[n - 1]] > starts[first] + cycle:
            n -= 1
        offsets[line + 1] = n
    return starts[:n].copy(), index[:n].copy(), offsets


@njit(cache=True)
def _count_at_most(u, cdf, out):
    """``out[i, j]``: how many ``cdf`` entries are at most ``u[i, j]`` (searchsorted, right)."""
    for i in range(u.shape[0]):
        for j in range(u.shape[1]):
            k = 0
            for c in cdf:
                k += c <= u[i, j]
            out[i, j] = k


def _cells(rng: np.random.Generator, n_lines: int, n_days: int) -> np.ndarray:
    """The cell index of every day: ``rng.choice(len(CELLS), (n_lines, n_days), p=weights)``.

    The same draws as that call (its uniform numbers, its cumulative weights, its
    search), in blocks of lines and one byte per day instead of eight.
    """
    weights = np.array([w for _, w in CELLS])
    p = weights / weights.sum()
    cdf = p.cumsum()
    cdf /= cdf[-1]
    cells = np.empty((n_lines, n_days), dtype=np.int8)
    block = max(1, 4_000_000 // max(n_days, 1))
    for lo in range(0, n_lines, block):
        hi = min(n_lines, lo + block)
        _count_at_most(rng.random((hi - lo, n_days)), cdf, cells[lo:hi])
    return cells


def synthetic_compiled(n_lines: int, weeks: int, seed: int = 0) -> CompiledRota:
    """Draw ``n_lines`` random valid lines of ``weeks`` weeks.

    Parameters
    ----------
    n_lines
        Number of lines.
    weeks
        Cycle length, weeks.
    seed
        Random seed (same seed, same lines).

    Returns
    -------
    CompiledRota
        Lines with ids ``"0"…``; grades, years and LTFT flags drawn too.
    """
    rng = np.random.default_rng(seed)
    cell_a = np.array([c[0] if len(c) > 0 else -1 for c, _ in CELLS], dtype=np.int64)
    cell_b = np.array([c[1] if len(c) > 1 else -1 for c, _ in CELLS], dtype=np.int64)
    st_start = np.array([c[1] for c in CATALOGUE], dtype=np.int64)
    st_len = np.array([c[2] for c in CATALOGUE], dtype=np.int64)
    st_kind = np.array([c[3] for c in CATALOGUE], dtype=np.int8)
    st_exp = np.array([c[4] for c in CATALOGUE], dtype=np.float64)
    st_work = np.where(st_kind == KIND_NROC, np.nan_to_num(st_exp), st_len).astype(np.float64)
    n_days = 7 * weeks
    cells = _cells(rng, n_lines, n_days)
    starts, index, offsets = _draw(cells, cell_a, cell_b, st_start, st_len)
    return CompiledRota(
        weeks=weeks,
        n_days=n_days,
        cycle_min=weeks * MIN_PER_WEEK,
        line_ids=tuple(str(i) for i in range(n_lines)),
        offsets=offsets,
        start_min=starts,
        duration_min=st_len[index].astype(np.int32),
        kind=st_kind[index],
        work_min=st_work[index],
        rest_min=np.zeros(len(index), dtype=np.float64),
        expected_work_min=st_exp[index],
        day=(starts // MIN_PER_DAY).astype(np.int32),
        shift_index=index,
        shift_codes=tuple(c[0] for c in CATALOGUE),
        bank_holiday=np.zeros(n_days, dtype=np.bool_),
        grade=rng.integers(0, 4, n_lines).astype(np.int8),
        years=rng.integers(0, 10, n_lines).astype(np.int16),
        ltft=rng.random(n_lines) < 0.1,
        specialty=("general",) * n_lines,
        criterion_r=np.full(n_lines, -1, dtype=np.int8),
        resident=np.full(n_lines, -1, dtype=np.int8),
        prospective_cover=np.zeros(n_lines, dtype=np.bool_),
    )
