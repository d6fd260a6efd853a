"""Run a serial line kernel over ranges of lines on several threads.

The line kernels are compiled serially with ``@njit(nogil=True)`` and take the
range of lines to process as their first two arguments; :func:`run_ranges` cuts
the lines into ranges that shrink toward the end (:func:`range_fractions`) and
runs them on a thread pool. This gives the same parallel speed as a ``prange``
loop without compiling Numba's parallel machinery: a ``parallel=True`` kernel
costs several times more to compile, which is what a first run pays (see
``docs/performance.md``).

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
#: Guided ranges: each range takes this share of the duties left, per thread, so the
#: ranges shrink toward the end and the threads finish close together.
GUIDED_SHARE = 0.5
#: The smallest range, as a share of the duties per thread.
SMALLEST_SHARE = 1 / 64


def range_fractions(threads: int) -> np.ndarray:
    """Boundaries of guided ranges for ``threads`` threads, as fractions of the duties.

    Each range takes ``GUIDED_SHARE / threads`` of the duties left, but no less than
    ``SMALLEST_SHARE / threads`` of all duties (OpenMP's *guided* schedule): the first
    ranges are large (few calls), the last ones small, so when one thread is slowed
    (another process on its core) the other takes more of the small ranges instead
    of waiting at the end for a large one.

    Returns
    -------
    numpy.ndarray
        float64, strictly increasing from 0.0 to 1.0.
    """
    threads = max(1, threads)
    smallest = SMALLEST_SHARE / threads
    bounds = [0.0]
    left = 1.0
    while left > smallest * 1.5:  # a last range of at least half the smallest
        take = max(left * GUIDED_SHARE / threads, smallest)
        bounds.append(bounds[-1] + take)
        left -= take
    bounds.append(1.0)
    return np.array(bounds, dtype=np.float64)


def line_ranges(offsets: np.ndarray, fractions: np.ndarray) -> np.ndarray:
    """Boundaries of consecutive line ranges holding given shares of the duties.

    Parameters
    ----------
    offsets
        int64 per line plus one: line ``i`` owns duties ``offsets[i]:offsets[i+1]``.
    fractions
        Increasing from 0 to 1: range ``k`` holds about the duties from
        ``fractions[k]`` to ``fractions[k + 1]`` of all (see :func:`range_fractions`).

    Returns
    -------
    numpy.ndarray
        int64, strictly increasing from 0 to ``n_lines``: range ``k`` is lines
        ``bounds[k]:bounds[k+1]`` (fewer ranges when there are fewer lines).
    """
    n_lines = offsets.shape[0] - 1
    targets = np.asarray(fractions, dtype=np.float64) * offsets[-1]
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
    bounds = line_ranges(offsets, range_fractions(threads))
    with ThreadPoolExecutor(max_workers=threads) as pool:
        jobs = [
            pool.submit(kernel, int(lo), int(hi), *args)
            for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)
        ]
        for job in jobs:
            job.result()  # re-raise a kernel's exception here
