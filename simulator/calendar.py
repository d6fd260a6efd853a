"""Laying a rota cycle on the calendar: England-and-Wales bank holidays."""

from __future__ import annotations

import datetime as dt

import holidays
import numpy as np


def bank_holiday_mask(start: dt.date | None, n_days: int) -> np.ndarray:
    """Flag the cycle days that are England-and-Wales bank holidays.

    The cycle is laid once on the calendar from ``start`` (a Monday): cycle day
    ``d`` is the date ``start + d days``. Without a start date no day is a bank
    holiday.

    Parameters
    ----------
    start
        First Monday of the cycle, or ``None``.
    n_days
        Days in the cycle.

    Returns
    -------
    numpy.ndarray
        Boolean array of length ``n_days``.
    """
    mask = np.zeros(n_days, dtype=np.bool_)
    if start is None:
        return mask
    end = start + dt.timedelta(days=n_days - 1)
    calendar = holidays.country_holidays("GB", subdiv="WLS", years=range(start.year, end.year + 1))
    for day in range(n_days):
        if start + dt.timedelta(days=day) in calendar:
            mask[day] = True
    return mask


def bank_holiday_names(start: dt.date | None, n_days: int) -> dict[int, str]:
    """Return ``{cycle day: holiday name}`` for the bank holidays in the cycle."""
    if start is None:
        return {}
    end = start + dt.timedelta(days=n_days - 1)
    calendar = holidays.country_holidays("GB", subdiv="WLS", years=range(start.year, end.year + 1))
    return {
        (day - start).days: name for day, name in sorted(calendar.items()) if start <= day <= end
    }
