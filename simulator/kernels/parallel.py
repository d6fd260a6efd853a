"""Run a serial line kernel over ranges of lines on several threads.

The line kernels are compiled serially with ``@njit(nogil=True)`` and take the
range of lines to process as their first two arguments; :func:`run_ranges` cuts
the lines into ranges of about equal work and runs them on a thread pool. This
gives the same parallel speed as a ``prange`` loop without compiling Numba's
parallel machinery: a ``parallel=True`` kernel costs several times more to
compile, which is what a first run pays (see ``docs/performance.md``).

The number of threads is :func:`numba.get_num_threads`, so
``numba.set_num_threads`` (and ``NUMBA_NUM_THREADS``) limit it as for ``prange``.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

#: Below this many duties a call runs on the calling thread (starting threads costs more).
MIN_PARALLEL_DUTIES = 200_000
#: Ranges per thread, for load balance between lines of different lengths.
RANGES_PER_THREAD = 4


def line_ranges(offsets: np.ndarray, n_ranges: int) -> np.ndarray:
    """Boundaries of ``n_ranges`` consecutive line ranges holding about equal duties.

    Parameters
    ----------
    offsets
        int64 per line plus one: line ``i`` owns duties ``offsets[i]:offsets[i+1]``.
    n_ranges
        Ranges wanted (fewer are returned when there are fewer lines).

    Returns
    -------
    numpy.ndarray
        int64, strictly increasing from 0 to ``n_lines``: range ``k`` is lines
        ``bounds[k]:bounds[k+1]``.
    """
    n_lines = offsets.shape[0] - 1
    targets = np.linspace(0, offsets[-1], max(1, n_ranges) + 1)
    bounds = np.searchsorted(offsets, targets).astype(np.int64)
    bounds[0], bounds[-1] = 0, n_lines
    return np.unique(np.clip(bounds, 0, n_lines))


def threads_for(n_duties: int, min_parallel_duties: int = MIN_PARALLEL_DUTIES) -> int:
    """Threads worth using for ``n_duties`` duties (1 below ``min_parallel_duties``)."""
    if n_duties < min_parallel_duties:
        return 1
    return max(1, int(numba.get_num_threads()))


def run_ranges(
    kernel: Callable[..., object],
    offsets: np.ndarray,
    *args: object,
    min_parallel_duties: int = MIN_PARALLEL_DUTIES,
) -> None:
    """Call ``kernel(lo, hi, *args)`` over ranges of lines covering every line.

    Parameters
    ----------
    kernel
        A Numba kernel compiled with ``nogil=True`` that processes lines
        ``lo:hi`` and writes its results into arrays among ``args``.
    offsets
        Per-line duty offsets (``CompiledRota.offsets``), to balance the ranges.
    *args
        The kernel's remaining arguments.
    min_parallel_duties
        Run on the calling thread below this many duties.
    """
    n_lines = offsets.shape[0] - 1
    threads = threads_for(int(offsets[-1]), min_parallel_duties)
    if threads <= 1 or n_lines < 2:
        kernel(0, n_lines, *args)
        return
    bounds = line_ranges(offsets, threads * RANGES_PER_THREAD)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        jobs = [
            pool.submit(kernel, int(lo), int(hi), *args)
            for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)
        ]
        for job in jobs:
            job.result()  # re-raise a kernel's exception here
