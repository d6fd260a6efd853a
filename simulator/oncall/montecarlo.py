"""Numba Monte Carlo twin of the SimPy call-out model, for many runs fast.

The kernel :func:`simulate_line_runs` replays the model of :mod:`simulator.oncall.des`
for one line over many runs. Per NROC shift it draws the calls of the
non-homogeneous Poisson process by inverting its cumulative intensity (unit-rate
exponential gaps on the intensity scale, mapped back to time through the shift's
clock-hour segments) -- the same process the SimPy model draws by thinning; each
call draws its work and whether travel is needed; a single doctor serves calls
first come, first served, so a call starts at ``max(arrival, previous end)``.
Calls need travel, and resident shifts overrun, independently with a fixed
probability; the twin draws the number of calls (shifts) until the next success
(geometric) instead of one Bernoulli per call (shift): the same sequence in
distribution, with far fewer draws. The resulting work intervals go
through the same accounting kernels (:mod:`simulator.oncall.accounting`) as the
SimPy model.

Random numbers: four NumPy ``Generator`` streams are passed explicitly into the
kernel, one per random source (arrivals, work durations, travel, overruns). Runs
are cut into chunks of :data:`CHUNK_RUNS`; the streams of line ``i``, chunk ``c``
come from ``SeedSequence(seed, spawn_key=(i, c)).spawn(4)`` -- the same children
as ``SeedSequence(seed).spawn(...)[i].spawn(...)[c]`` -- so the result depends only
on the seed and the run count, never on the number of workers or the order in
which chunks finish.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numba import njit

from .accounting import (
    N_OUTCOME,
    N_RUN,
    add_resident_shift,
    add_shift,
    draw_length,
    length_params,
    overrun_outcome,
    shift_outcome,
)
from .params import P
from .prepare import LinePlan, RotaPlan

#: Runs per chunk: the unit of seeding and of parallel work (fixed, so results do
#: not depend on the number of workers).
CHUNK_RUNS = 2048
#: Random sources, in stream order.
STREAMS = ("arrivals", "durations", "travel", "overruns")

_WORK_DIST = P["work_distribution"]
_WORK_MEAN = P["work_mean_min"]
_WORK_SD = P["work_sd_min"]
_IN_PERSON = P["in_person_probability"]
_TRAVEL = P["travel_one_way_min"]
_OVER_P = P["overrun_probability"]
_OVER_DIST = P["overrun_distribution"]
_OVER_MEAN = P["overrun_mean_min"]
_OVER_SD = P["overrun_sd_min"]


@njit(cache=True, nogil=True, error_model="numpy")
def simulate_line_runs(
    runs,
    n_cycles,
    cycle_min,
    nroc_start,
    nroc_len,
    fixed_offsets,
    fixed_lo,
    fixed_hi,
    res_start,
    res_len,
    res_rest_after,
    plain_day,
    plain_lo,
    plain_hi,
    prm,
    g_arrivals,
    g_durations,
    g_travel,
    g_overruns,
    out,
):
    """Simulate ``runs`` runs of ``n_cycles`` cycles of one line.

    Parameters
    ----------
    runs, n_cycles : int
        Runs, and rota cycles per run.
    cycle_min : int
        Cycle length, minutes.
    nroc_start, nroc_len, fixed_offsets, fixed_lo, fixed_hi, res_start, res_len, res_rest_after
        The line's plan (:class:`~simulator.oncall.prepare.LinePlan`), minutes.
    plain_day : ndarray of bool
        Per cycle day: plain time applies.
    plain_lo, plain_hi : float
        Plain time of day, minutes after midnight.
    prm : ndarray of float64
        Packed parameters (24 call rates in calls/min, then the scalars).
    g_arrivals, g_durations, g_travel, g_overruns : numpy.random.Generator
        One stream per random source.
    out : ndarray of float64, shape (runs, N_RUN)
        Receives the totals of each run (:data:`~simulator.oncall.accounting.RUN_NAMES`).
    """
    cap = 64
    busy_lo = np.empty(cap, dtype=np.float64)
    busy_hi = np.empty(cap, dtype=np.float64)
    n_nroc = nroc_start.shape[0]
    max_fixed = 0
    max_seg = 1
    for j in range(n_nroc):
        m = fixed_offsets[j + 1] - fixed_offsets[j]
        if m > max_fixed:
            max_fixed = m
        m = int(nroc_len[j] // 60.0) + 2
        if m > max_seg:
            max_seg = m
    scratch_lo = np.empty(cap + max_fixed, dtype=np.float64)
    scratch_hi = np.empty(cap + max_fixed, dtype=np.float64)
    outcome = np.empty(N_OUTCOME, dtype=np.float64)
    # clock-hour segments of every NROC shift with the cumulative call intensity at
    # their ends (the same on every lap: the cycle is whole days)
    n_seg = np.zeros(n_nroc, dtype=np.int64)
    seg_lo = np.zeros((n_nroc, max_seg), dtype=np.float64)
    seg_rate = np.zeros((n_nroc, max_seg), dtype=np.float64)
    seg_cum_lo = np.zeros((n_nroc, max_seg), dtype=np.float64)
    seg_cum_hi = np.zeros((n_nroc, max_seg), dtype=np.float64)
    for j in range(n_nroc):
        t = 0.0
        cum = 0.0
        k = 0
        while t < nroc_len[j]:
            hour_index = math.floor((nroc_start[j] + t) / 60.0)
            end = (hour_index + 1.0) * 60.0 - nroc_start[j]
            if end > nroc_len[j]:
                end = nroc_len[j]
            rate = prm[int(hour_index) % 24]
            seg_lo[j, k] = t
            seg_rate[j, k] = rate
            seg_cum_lo[j, k] = cum
            cum += rate * (end - t)
            seg_cum_hi[j, k] = cum
            t = end
            k += 1
        n_seg[j] = k
    w_dist = int(prm[_WORK_DIST])
    w_a, w_b = length_params(w_dist, prm[_WORK_MEAN], prm[_WORK_SD])
    p_in = prm[_IN_PERSON]
    travel2 = 2.0 * prm[_TRAVEL]
    p_over = prm[_OVER_P]
    o_dist = int(prm[_OVER_DIST])
    o_a, o_b = length_params(o_dist, prm[_OVER_MEAN], prm[_OVER_SD])
    n_res = res_start.shape[0]
    # Bernoulli sequences drawn as geometric gaps (one draw per success): calls left
    # before the next one needing travel, resident shifts left before the next overrun
    calls_to_travel = _skip(g_travel, p_in)
    skip = _skip(g_overruns, p_over)
    for r in range(runs):
        row = out[r]
        row[:] = 0.0
        for c in range(n_cycles):
            base = float(c) * cycle_min
            for j in range(n_nroc):
                s = base + nroc_start[j]
                n = 0
                free_at = 0.0
                # arrivals by inverting the cumulative intensity: unit-rate
                # exponential gaps on the intensity scale
                k = 0
                last = n_seg[j]
                h = 0.0
                while True:
                    h += g_arrivals.standard_exponential()
                    while k < last and seg_cum_hi[j, k] <= h:
                        k += 1
                    if k == last:
                        break
                    t = seg_lo[j, k] + (h - seg_cum_lo[j, k]) / seg_rate[j, k]
                    service = draw_length(g_durations, w_dist, w_a, w_b)
                    if calls_to_travel > 0:
                        calls_to_travel -= 1
                    else:
                        service += travel2
                        calls_to_travel = _skip(g_travel, p_in)
                    begin = t if t > free_at else free_at
                    free_at = begin + service
                    if n == busy_lo.shape[0]:
                        grown_lo = np.empty(2 * n, dtype=np.float64)
                        grown_hi = np.empty(2 * n, dtype=np.float64)
                        grown_lo[:n] = busy_lo
                        grown_hi[:n] = busy_hi
                        busy_lo = grown_lo
                        busy_hi = grown_hi
                        scratch_lo = np.empty(2 * n + max_fixed, dtype=np.float64)
                        scratch_hi = np.empty(2 * n + max_fixed, dtype=np.float64)
                    busy_lo[n] = begin
                    busy_hi[n] = free_at
                    n += 1
                a = fixed_offsets[j]
                b = fixed_offsets[j + 1]
                shift_outcome(
                    busy_lo,
                    busy_hi,
                    n,
                    fixed_lo[a:b],
                    fixed_hi[a:b],
                    s,
                    nroc_len[j],
                    prm,
                    plain_day,
                    plain_lo,
                    plain_hi,
                    scratch_lo,
                    scratch_hi,
                    outcome,
                )
                add_shift(row, float(n), outcome)
            # resident shifts: jump from one overrun to the next
            row[13] += n_res
            k = 0
            while k < n_res:
                if skip >= n_res - k:
                    skip -= n_res - k
                    break
                k += skip
                overrun = draw_length(g_overruns, o_dist, o_a, o_b)
                unsocial, breach = overrun_outcome(
                    overrun,
                    base + res_start[k] + res_len[k],
                    res_rest_after[k],
                    prm,
                    plain_day,
                    plain_lo,
                    plain_hi,
                )
                add_resident_shift(row, overrun, unsocial, breach)
                row[13] -= 1.0  # counted above
                skip = _skip(g_overruns, p_over)
                k += 1


@njit(cache=True, inline="always")
def _skip(rng, probability):
    """Failures before the next success of a Bernoulli(``probability``) sequence (>= 0)."""
    if probability <= 0.0:
        return np.iinfo(np.int64).max
    if probability >= 1.0:
        return 0
    return rng.geometric(probability) - 1


def streams(seed: int, line: int, chunk: int) -> list[np.random.Generator]:
    """The four generators (:data:`STREAMS`) of one (line, chunk)."""
    children = np.random.SeedSequence(seed, spawn_key=(line, chunk)).spawn(len(STREAMS))
    return [np.random.Generator(np.random.PCG64(child)) for child in children]


def chunks(runs: int, chunk_runs: int = CHUNK_RUNS) -> list[tuple[int, int]]:
    """``(first run, run count)`` of each chunk of ``chunk_runs`` runs."""
    if chunk_runs < 1:
        raise ValueError(f"chunk_runs must be positive, got {chunk_runs}")
    return [(c, min(chunk_runs, runs - c)) for c in range(0, runs, chunk_runs)]


def _line_chunk(
    line: LinePlan, plan: RotaPlan, n_runs: int, n_cycles: int, prm: np.ndarray, gens
) -> np.ndarray:
    out = np.empty((n_runs, N_RUN), dtype=np.float64)
    simulate_line_runs(
        n_runs,
        n_cycles,
        plan.cycle_min,
        line.nroc_start,
        line.nroc_len,
        line.fixed_offsets,
        line.fixed_lo,
        line.fixed_hi,
        line.res_start,
        line.res_len,
        line.res_rest_after,
        plan.plain_day,
        plan.plain_lo_min,
        plan.plain_hi_min,
        prm,
        *gens,
        out,
    )
    return out


def run_montecarlo(
    plan: RotaPlan,
    runs: int,
    seed: int,
    prm: np.ndarray,
    n_cycles: int,
    *,
    workers: int = 1,
    chunk_runs: int = CHUNK_RUNS,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Run the twin on every line.

    Parameters
    ----------
    plan
        The rota's simulation plan.
    runs
        Runs per line.
    seed
        Root seed.
    prm
        Packed parameters.
    n_cycles
        Rota cycles per run.
    workers
        Threads (the kernel releases the GIL); the result does not depend on it.
    chunk_runs
        Runs per chunk, the unit of seeding (the result depends on it).
    progress
        Called with the number of runs just finished (summed over lines).

    Returns
    -------
    ndarray of float64, shape (n_lines, runs, N_RUN)
        Totals of every run (:data:`~simulator.oncall.accounting.RUN_NAMES`).
    """
    out = np.empty((len(plan.lines), runs, N_RUN), dtype=np.float64)
    tasks = [
        (i, c, first, count)
        for i in range(len(plan.lines))
        for c, (first, count) in enumerate(chunks(runs, chunk_runs))
    ]

    def work(task: tuple[int, int, int, int]) -> tuple[int, int, int, np.ndarray]:
        i, c, first, count = task
        result = _line_chunk(plan.lines[i], plan, count, n_cycles, prm, streams(seed, i, c))
        return i, first, count, result

    def store(done: tuple[int, int, int, np.ndarray]) -> None:
        i, first, count, result = done
        out[i, first : first + count] = result
        if progress is not None:
            progress(count)

    if workers <= 1:
        for task in tasks:
            store(work(task))
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for done in pool.map(work, tasks):
                store(done)
    return out
