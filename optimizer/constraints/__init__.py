"""Constraint builders: one function per rule family, plus cover, day structure and requests.

Every rule-family builder has the signature ``builder(m: RotaModel, rule: Rule) ->
dict[str, LinearExpr]``: it adds the rule's constraints to ``m.model`` with every
limit read from the rule (that is, from the rule set's parameter file) and returns
named penalty terms in pence (empty for hard rules). Windows, runs and rest gaps wrap
around the cycle end.
"""

from __future__ import annotations

from .cover import add_cover
from .doctors import add_doctor_limits, add_requests
from .hours import add_average_weekly_hours, add_hours_in_window, add_shift_length
from .rest import add_nroc_rest, add_rest_between_duties
from .runs import add_consecutive
from .structure import add_day_structure
from .weekends import add_weekend_frequency

#: Rule family name to its builder.
FAMILY_BUILDERS = {
    "average_weekly_hours": add_average_weekly_hours,
    "hours_in_window": add_hours_in_window,
    "shift_length": add_shift_length,
    "rest_between_duties": add_rest_between_duties,
    "consecutive_shifts": add_consecutive,
    "consecutive_nights": add_consecutive,
    "consecutive_long_shifts": add_consecutive,
    "consecutive_long_evenings": add_consecutive,
    "consecutive_duty_days": add_consecutive,
    "weekend_frequency": add_weekend_frequency,
    "nroc_rest": add_nroc_rest,
}

__all__ = [
    "FAMILY_BUILDERS",
    "add_cover",
    "add_day_structure",
    "add_doctor_limits",
    "add_requests",
]
