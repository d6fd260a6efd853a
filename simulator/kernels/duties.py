"""Numba classifiers of single duties: resident, night, long shift, long evening.

``defs`` is :meth:`simulator.definitions.Definitions.as_array`; the ``D_*``
constants index it.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..definitions import DEF_INDEX
from .intervals import MIN_PER_DAY, window_minutes

D_PLAIN_START = DEF_INDEX["plain_start_min"]
D_PLAIN_END = DEF_INDEX["plain_end_min"]
D_WEEKEND_2002_START = DEF_INDEX["weekend_2002_start_min"]
D_WEEKEND_2002_END = DEF_INDEX["weekend_2002_end_min"]
D_WEEKEND_START = DEF_INDEX["weekend_start_min"]
D_WEEKEND_END = DEF_INDEX["weekend_end_min"]
D_NIGHT_START = DEF_INDEX["night_start_min"]
D_NIGHT_END = DEF_INDEX["night_end_min"]
D_NIGHT_MIN_WORK = DEF_INDEX["night_min_work_min"]
D_LONG_SHIFT = DEF_INDEX["long_shift_more_than_min"]
D_LONG_EVENING_START = DEF_INDEX["long_evening_starts_before_min"]
D_LONG_EVENING_END = DEF_INDEX["long_evening_ends_after_min"]
D_CORE_START = DEF_INDEX["ltft_core_start_min"]
D_CORE_END = DEF_INDEX["ltft_core_end_min"]
D_WINDOW = DEF_INDEX["window_length_min"]

KIND_SHIFT = 0
KIND_PARTIAL = 1
KIND_ONCALL = 2
KIND_NROC = 3

#: A one-period mask that is always true (a window on every day); a global array
#: is a compile-time constant for Numba, so no allocation per call.
EVERY_DAY = np.ones(1, dtype=np.bool_)


@njit(cache=True)
def is_resident(kind) -> bool:
    """True for resident duties (shift, partial, resident on-call)."""
    return kind != KIND_NROC


@njit(cache=True)
def is_oncall(kind) -> bool:
    """True for on-call duties (resident or non-resident)."""
    return kind == KIND_ONCALL or kind == KIND_NROC


@njit(cache=True)
def is_night(start, length, kind, defs) -> bool:
    """A resident duty with at least ``night_min_work_min`` minutes in the night window."""
    if not is_resident(kind):
        return False
    inside = window_minutes(
        start, length, MIN_PER_DAY, defs[D_NIGHT_START], defs[D_NIGHT_END], EVERY_DAY
    )
    return inside >= defs[D_NIGHT_MIN_WORK]


@njit(cache=True)
def is_long(length, kind, defs) -> bool:
    """A resident duty rostered for more than ``long_shift_more_than_min`` minutes."""
    return is_resident(kind) and length > defs[D_LONG_SHIFT]


@njit(cache=True)
def is_long_evening(start, length, kind, defs) -> bool:
    """A long shift starting before 16:00 and ending after 23:00 (of its start day)."""
    if not is_long(length, kind, defs):
        return False
    clock = start % MIN_PER_DAY
    return clock < defs[D_LONG_EVENING_START] and clock + length > defs[D_LONG_EVENING_END]
