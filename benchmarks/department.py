"""Seeded generator of realistic rota optimisation problem files (TOML text).

A generated problem is a department of resident doctors on a cycle of whole weeks,
in the problem-file format of ``docs/optimiser.md``: shift types, cover per shift
type and day, the doctors with their grade, pay point, hours and 2002 pay reference,
a few weeks of leave and a few soft requests. The only source of randomness is
``numpy.random.default_rng(seed)``, so the same arguments give the same text byte
for byte.

Shapes (:data:`SHAPES`)
-----------------------
``ed``
    Emergency department middle grades (ST and CT), 24/7: day D 08:00-18:00, late
    L 14:00-00:00, night N 22:00-08:00 (10 h each).
``medical``
    Medical SHOs (F1, F2, CT): day D 09:00-17:00, long day LD 08:00-20:30, night
    N 20:00-08:30.
``tiered``
    The medical shifts done by two tiers with their own codes: registrars (ST) on
    RD/RLD/RN and juniors (F2, CT) on JD/JLD/JN; each doctor's ``shifts`` list holds
    their tier's codes only. ``tiers=True`` splits any shape in the same way.

How cover is derived
--------------------
Cover is derived per tier from what its doctors can supply, so that the problem is
feasible under the Wales 2026 rules:

* **Hours.** The department has a full-time target ``T`` (40-46 h/week); LTFT
  doctors get ``hours_per_week`` = fraction (60-80 %) x ``T`` +- 2 h. The minimum
  cover asks for a share ``u`` (:data:`UTILISATION`, 84-88 %) of the tier's target
  hours, and the weekday day-shift ranges reach :data:`MAX_COVER_MARGIN` (102 %) of
  them, so every doctor can work their target. Full-time doctors get the band
  ``min_hours_per_week`` to ``max_hours_per_week = min(T + 4, 48)``, whose floor is
  ``T - 4`` or, when lower, the largest value (in half hours) that keeps the doctors'
  summed minimum hours within the minimum cover (typically ``T - 6`` to ``T - 8``):
  CP-SAT (2 workers) finds a first rota of a 40 x 20 problem in about 25 s that way,
  and none within 60 s when the floors ask for 10 % more hours than the minimum cover.
* **Weekends.** Each full-time doctor can work ``floor(weeks / 3)`` weekends and each
  LTFT doctor ``floor(weeks / 7)``. A weekend worker covers the same shift type on
  Saturday and Sunday (nights: Friday to Sunday, one block), so the doctors a weekend
  needs are the weekend cover summed over the shift types. That sum is kept within
  :data:`WEEKEND_SHARE` of the weekend supply per weekend: nights first (exact), then
  long days / lates and days (exact, split evenly); a leftover fraction of a doctor
  becomes a soft target on the long shift.
* **Nights.** About a fifth of the demanded hours (18-24 %), as one exact count
  every night, at most :data:`NIGHT_WEEKEND_SHARE` of the weekend budget (every
  Friday to Sunday night is weekend work), so far below what blocks of at most 4
  nights with 46 h of rest allow (4 nights in 6 per doctor).
* **Weekdays.** The rest of the demanded hours go to weekday long shifts (as many as
  at night or at weekends, as ``{ min, max = min + 1 }``) and day shifts
  (``{ min, max }`` ranges, busiest on Monday and Friday, quietest on Wednesday).

``nroc=True`` adds non-resident on-call ``OC`` (17:00-09:00, 2 h expected work; in
the ED from the end of its day shift to its start) for the tier that hosts it
(registrars when tiered), one every day, combinable with that tier's day shift; at
weekends a day doctor of that tier pairs with it (a tier too small to spare a weekend
day doctor beside its nights gets a soft weekend on-call target instead).

``infeasible="weekends"`` raises the weekend day cover of the first tier until it
alone needs more doctors every weekend than that tier's weekend limits allow (and the
department's weekend demand exceeds its supply; weekday day cover drops by the same
shifts); ``infeasible="nights"`` sets the first tier's night cover above
two thirds of its doctors, more than blocks of 4 nights with 2 days of rest allow
(such night cover necessarily also exceeds the weekend supply, which is a third of
the doctors per weekend).

Run ``python benchmarks/department.py 24 12 --seed 1 --shape medical --out p.toml``.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from simulator.contracts import load_params
from simulator.contracts.kernels import BANDS, pay_2002
from simulator.contracts.nhs2002 import kernel_arrays
from simulator.model import GRADES

#: Named department shapes: shift types as ``code: (start, end)`` (HH:MM), the role of
#: each code (``day``, ``long``, ``night``), the grade mix ``(grade, share, (first,
#: last) completed years)`` of an untiered department and of each tier, and the
#: registrar share of a tiered one.
SHAPES: dict[str, dict] = {
    "ed": {
        "title": "Emergency department middle grades",
        "specialty": "emergency medicine",
        "shifts": {"D": ("08:00", "18:00"), "L": ("14:00", "00:00"), "N": ("22:00", "08:00")},
        "roles": {"day": "D", "long": "L", "night": "N"},
        "grades": (("ST", 0.6, (2, 6)), ("CT", 0.4, (0, 2))),
        "registrar_grades": (("ST", 1.0, (2, 6)),),
        "junior_grades": (("CT", 0.7, (0, 2)), ("F2", 0.3, (1, 1))),
        "registrar_share": (0.35, 0.45),
        "tiers": False,
    },
    "medical": {
        "title": "General medicine SHOs",
        "specialty": "general medicine",
        "shifts": {"D": ("09:00", "17:00"), "LD": ("08:00", "20:30"), "N": ("20:00", "08:30")},
        "roles": {"day": "D", "long": "LD", "night": "N"},
        "grades": (("F1", 0.4, (0, 0)), ("F2", 0.35, (1, 1)), ("CT", 0.25, (0, 2))),
        "registrar_grades": (("ST", 1.0, (2, 6)),),
        "junior_grades": (("F2", 0.5, (1, 1)), ("CT", 0.5, (0, 2))),
        "registrar_share": (0.3, 0.4),
        "tiers": False,
    },
    "tiered": {
        "title": "General medicine, registrar and junior tiers",
        "specialty": "general medicine",
        "shifts": {"D": ("09:00", "17:00"), "LD": ("08:00", "20:30"), "N": ("20:00", "08:30")},
        "roles": {"day": "D", "long": "LD", "night": "N"},
        "grades": (("F1", 0.4, (0, 0)), ("F2", 0.35, (1, 1)), ("CT", 0.25, (0, 2))),
        "registrar_grades": (("ST", 1.0, (2, 6)),),
        "junior_grades": (("F2", 0.5, (1, 1)), ("CT", 0.5, (0, 2))),
        "registrar_share": (0.3, 0.4),
        "tiers": True,
    },
}

#: Code prefixes of the registrar and junior tiers, and the fewest doctors in a tier.
TIER_PREFIXES = ("R", "J")
MIN_TIER = 6
#: Share of the weekend supply (doctor-weekends per weekend) that weekend cover may use.
WEEKEND_SHARE = 0.87
#: Range of the minimum cover's share of the doctors' target hours.
UTILISATION = (0.84, 0.88)
#: Penalty of a soft weekend cover target, GBP per doctor off it, and a soft 0-or-1 cover.
SOFT_GBP = 150.0
SOFT_ONE = {"min": 0, "max": 1, "target": 1, "weight": SOFT_GBP}
#: Share of the weekend budget that night cover may take at most.
NIGHT_WEEKEND_SHARE = 0.4
#: Full-time weekend limit (1 in N) and LTFT limit of the Wales 2026 rules.
WEEKEND_ONE_IN = {False: 3, True: 7}
#: Full-time hours band half-width, h/week, and the LTFT tolerance, h/week.
FT_BAND_H = 4.0
LTFT_TOLERANCE_H = 2.0
#: Ceiling of the full-time band: the 48 h/week average limit.
MAX_AVERAGE_H = 48.0
#: Weekday day-shift ranges reach this multiple of the doctors' summed target hours.
MAX_COVER_MARGIN = 1.02
#: Cycle start (a Monday), pay year and rule set written into every problem.
START = "2026-08-03"
PAY_YEAR = "2026/27"
RULES = "wales-2026"
#: NROC shift code, default times and expected work, h.
NROC_CODE = "OC"
NROC_TIMES = ("17:00", "09:00")
NROC_EXPECTED_WORK_H = 2.0
#: Bands drawn for the 2002 reference: full time and LTFT, with their probabilities.
FT_BANDS = (("1A", 0.5), ("1B", 0.4), ("2B", 0.1))
LTFT_BANDS = (("FA", 0.6), ("FB", 0.4))
#: Share of doctors without a 2002 reference (new appointments).
NO_REFERENCE_SHARE = 0.1
#: Share of doctors with a week of leave, and soft requests per doctor.
LEAVE_SHARE = 0.15
REQUESTS_PER_DOCTOR = 0.25
INFEASIBLE = ("weekends", "nights")
#: ``infeasible="weekends"``: weekend day cover of the first tier, times its supply.
OVERLOAD = 1.5
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass
class _Doctor:
    id: str
    grade: str
    years: int
    tier: int
    ltft: bool = False
    fraction: float = 1.0
    hours: float = 0.0
    band: str = ""
    reference: float | None = None


@dataclass
class _Tier:
    """One tier: its doctors and shift codes by role."""

    index: int
    codes: dict[str, str]
    doctors: list[_Doctor] = field(default_factory=list)
    nroc: bool = False
    oc_weekend_soft: bool = False
    ft_min: float = 0.0
    we_day: int = 0
    cover: dict[str, dict[str, object]] = field(default_factory=dict)


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _length_h(start: str, end: str) -> float:
    """Length of a shift from ``start`` to ``end`` (next day when not later), hours."""
    length = (_minutes(end) - _minutes(start)) % (24 * 60)
    return (length or 24 * 60) / 60.0


def _hhmm(minutes: int) -> str:
    minutes %= 24 * 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _draw_grade(rng: np.random.Generator, mix: tuple) -> tuple[str, int]:
    """A grade and completed years from a mix ``((grade, share, (lo, hi)), ...)``."""
    shares = np.array([s for _, s, _ in mix], dtype=np.float64)
    k = int(rng.choice(len(mix), p=shares / shares.sum()))
    grade, _, (lo, hi) = mix[k]
    return grade, int(rng.integers(lo, hi + 1))


def _weekend_supply(doctors: list[_Doctor], weeks: int) -> int:
    """Doctor-weekends the 1-in-3 (full time) and 1-in-7 (LTFT) limits allow per cycle."""
    return sum(weeks // WEEKEND_ONE_IN[d.ltft] for d in doctors)


def _references(doctors: list[_Doctor], rng: np.random.Generator) -> None:
    """Draw 2002 bands and price each doctor's 2002 reference with the pay kernel.

    Basic pay by grade and pay point (and the LTFT share of basic by weekly hours)
    comes from :func:`simulator.contracts.kernels.pay_2002` with the bundled 2002
    parameters; the reference is basic x (1 + band supplement), GBP/year.
    """
    params = load_params("nhs-2002", PAY_YEAR)
    arrays = kernel_arrays(params)
    for d in doctors:
        names, probs = zip(*(LTFT_BANDS if d.ltft else FT_BANDS), strict=True)
        d.band = str(names[int(rng.choice(len(names), p=np.array(probs)))])
    no_ref = rng.random(len(doctors)) < NO_REFERENCE_SHARE
    pay = pay_2002(
        np.array([BANDS.index(d.band) for d in doctors], dtype=np.int8),
        np.array([GRADES.index(d.grade) for d in doctors], dtype=np.int64),
        np.array([d.years for d in doctors], dtype=np.int64),
        np.array([d.ltft for d in doctors], dtype=np.bool_),
        np.array([d.hours for d in doctors], dtype=np.float64),
        arrays["scale"],
        arrays["scale_len"],
        arrays["from_h"],
        arrays["fractions"],
        arrays["supp"],
        arrays["p"],
    )
    for d, total, skip in zip(doctors, pay[:, 2], no_ref, strict=True):
        d.reference = None if skip else round(float(total), 2)


def _split_soft(value: float) -> tuple[int, bool]:
    """Whole doctors of a budget, and whether the leftover deserves a soft target."""
    whole = math.floor(value + 1e-9)
    return whole, value - whole >= 0.3


def _tier_cover(
    tier: _Tier,
    lengths: dict[str, float],
    weeks: int,
    utilisation: float,
    night_share: float,
    target_ft: float,
) -> None:
    """Derive the cover of one tier from its doctors' hours and weekend supply."""
    docs = tier.doctors
    day, long_, night = (tier.codes[r] for r in ("day", "long", "night"))
    len_d, len_l, len_n = lengths[day], lengths[long_], lengths[night]
    supply_h = sum(d.hours for d in docs)
    demand_h = utilisation * supply_h
    budget = WEEKEND_SHARE * _weekend_supply(docs, weeks) / weeks
    if budget < 1.0:
        raise ValueError(
            f"tier {tier.index + 1}: {len(docs)} doctors supply {budget:.2f} weekend doctors "
            "per weekend; 24/7 nights need at least 1 — use more doctors or weeks"
        )
    n_night = max(1, round(night_share * demand_h / (7 * len_n)))
    n_night = min(n_night, max(1, math.floor(NIGHT_WEEKEND_SHARE * budget + 1e-9)))
    rest, soft = _split_soft(budget - n_night)
    we_long = (rest + 1) // 2
    we_day = rest - we_long
    if tier.nroc and rest >= 1 and we_day == 0:  # the weekend on-call doctor's day shift
        we_day, we_long = 1, rest - 1
    # too few doctors for a weekend on-call doctor beside the nights: a soft target
    tier.oc_weekend_soft = tier.nroc and we_day == 0
    exact_h = 7 * n_night * len_n + 2 * (we_long * len_l + we_day * len_d)
    wd_long = max(1, we_long, n_night)
    left_h = demand_h - exact_h - 5 * wd_long * len_l
    total_day = max(5, round(left_h / len_d))
    base, extra = divmod(total_day, 5)
    # busiest Monday, then Friday, Tuesday, Thursday, Wednesday
    bumps = dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), 0)
    if extra <= 2:
        for name in ("mon", "fri")[:extra]:
            bumps[name] = 1
    else:  # write it as one more on weekdays, one less on the quietest days
        base += 1
        for name in ("wed", "thu", "tue")[: 5 - extra]:
            bumps[name] = -1
    cover_min_h = exact_h + 5 * wd_long * len_l + total_day * len_d
    cover_max_h = cover_min_h + 5 * len_l + (2 * len_l if soft else 0.0)
    slack = max(1, math.ceil((MAX_COVER_MARGIN * supply_h - cover_max_h) / (5 * len_d)))
    # full-time floor: the doctors' summed minimum hours stay within the minimum cover
    n_ft = sum(not d.ltft for d in docs)
    ltft_min_h = sum(d.hours - LTFT_TOLERANCE_H for d in docs if d.ltft)
    tier.ft_min = target_ft - FT_BAND_H
    if n_ft:
        fits = math.floor(2 * (cover_min_h - ltft_min_h) / n_ft) / 2
        tier.ft_min = max(0.0, min(tier.ft_min, fits))
    tier.cover = {
        night: {"all": n_night},
        long_: {
            "weekdays": {"min": wd_long, "max": wd_long + 1},
            "weekend": (
                {"min": we_long, "max": we_long + 1, "target": we_long + 1, "weight": SOFT_GBP}
                if soft
                else we_long
            ),
        },
        day: {"weekdays": {"min": base, "max": base + slack}},
    }
    for name, bump in bumps.items():
        if bump:
            tier.cover[day][name] = {"min": base + bump, "max": base + bump + slack}
    if we_day:
        tier.cover[day]["weekend"] = we_day
    tier.we_day = we_day


def _make_infeasible(kind: str, tiers: list[_Tier], weeks: int) -> None:
    """Turn the first tier's cover into one that breaks the weekend or the night limits."""
    tier = tiers[0]
    day, night = tier.codes["day"], tier.codes["night"]
    if kind == "nights":
        n_night = (2 * len(tier.doctors)) // 3 + 1
        tier.cover[night] = {"all": n_night}
        return
    # the day shift alone needs more doctors each weekend than the tier's weekend limits
    # allow (which the LP relaxation proves at once), and the department's weekend
    # demand exceeds the department's supply
    docs = [d for t in tiers for d in t.doctors]
    supply = _weekend_supply(docs, weeks) / weeks
    demand = sum(_weekend_need(t) for t in tiers)
    own = math.floor(OVERLOAD * _weekend_supply(tier.doctors, weeks) / weeks) + 1
    delta = max(1, math.floor(supply - demand) + 1, own - tier.we_day)
    tier.cover[day]["weekend"] = tier.we_day + delta
    # weekday day cover drops by the day shifts added at weekends (kept at 1 or more)
    drop = round(2 * delta / 5)
    for scope, spec in list(tier.cover[day].items()):
        if isinstance(spec, dict) and scope != "weekend":
            lo = max(1, spec["min"] - drop)
            tier.cover[day][scope] = {"min": lo, "max": max(lo, spec["max"] - drop)}


def _weekend_need(tier: _Tier) -> int:
    """Doctors one weekend needs in a tier: the exact weekend cover summed over its codes."""
    total = 0
    for table in tier.cover.values():
        spec = table.get("weekend", table.get("all", 0))
        total += spec["min"] if isinstance(spec, dict) else int(spec)
    return total


def _toml_spec(spec: object) -> str:
    if isinstance(spec, dict):
        parts = []
        for key in ("min", "max", "target", "weight"):
            if key in spec:
                value = spec[key]
                parts.append(f"{key} = {float(value)!r}" if key == "weight" else f"{key} = {value}")
        return "{ " + ", ".join(parts) + " }"
    return str(spec)


def _toml_list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{x}"' for x in items) + "]"


def generate_problem(
    n_doctors: int,
    weeks: int,
    seed: int = 0,
    *,
    shape: str = "medical",
    ltft_share: float = 0.2,
    nroc: bool = False,
    tiers: bool = False,
    infeasible: str | None = None,
) -> str:
    """TOML text of a problem file.

    Parameters
    ----------
    n_doctors
        Doctors in the department (at least 6; at least 12 when tiered).
    weeks
        Cycle length, whole weeks (at least 3).
    seed
        Seed of ``numpy.random.default_rng``: the same arguments give the same text.
    shape
        A key of :data:`SHAPES`: ``"ed"``, ``"medical"`` or ``"tiered"``.
    ltft_share
        Share of less-than-full-time doctors (rounded to whole doctors), 0 to 1.
    nroc
        Add non-resident on-call ``OC`` (2 h expected work), combinable with the day
        shift of the tier that hosts it (registrars when tiered).
    tiers
        Split the department into a registrar tier (ST) and a junior tier with their
        own shift codes (prefixes ``R`` and ``J``); implied by ``shape="tiered"``.
    infeasible
        ``None`` for a feasible problem, ``"weekends"`` for weekend cover beyond the
        weekend limits, ``"nights"`` for night cover beyond the night limits.

    Returns
    -------
    str
        The problem file, in the format of ``docs/optimiser.md``.

    Raises
    ------
    ValueError
        Unknown shape or infeasibility kind, or a department too small for its cover.
    """
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}: expected one of {', '.join(SHAPES)}")
    if infeasible is not None and infeasible not in INFEASIBLE:
        raise ValueError(f"infeasible must be None or one of {', '.join(INFEASIBLE)}")
    if not 0.0 <= ltft_share <= 1.0:
        raise ValueError(f"ltft_share must be within 0 and 1, got {ltft_share}")
    if weeks < 3:
        raise ValueError(f"weeks must be at least 3 (1-in-3 weekends), got {weeks}")
    spec = SHAPES[shape]
    tiered = tiers or spec["tiers"]
    if n_doctors < (2 * MIN_TIER if tiered else MIN_TIER):
        raise ValueError(
            f"{n_doctors} doctors is too few for shape {shape!r}{' in tiers' if tiered else ''}"
        )
    rng = np.random.default_rng(seed)
    target_ft = float(rng.integers(40, 47))
    utilisation = float(rng.uniform(*UTILISATION))

    # ----------------------------------------------------------------- shifts, tiers
    roles = spec["roles"]
    prefixes = TIER_PREFIXES if tiered else ("",)
    times: dict[str, tuple[str, str]] = {}
    tier_list: list[_Tier] = []
    for t, prefix in enumerate(prefixes):
        codes = {role: prefix + code for role, code in roles.items()}
        for code in roles.values():
            times[prefix + code] = spec["shifts"][code]
        tier_list.append(_Tier(t, codes, nroc=nroc and t == 0))
    if nroc:
        d_start, d_end = spec["shifts"][roles["day"]]
        start = _hhmm(max(_minutes(NROC_TIMES[0]), _minutes(d_end)))
        end = _hhmm(min(_minutes(NROC_TIMES[1]), _minutes(d_start)))
        times[NROC_CODE] = (start, end)
    lengths = {code: _length_h(*se) for code, se in times.items()}

    # ------------------------------------------------------------------- doctors
    if tiered:
        lo, hi = spec["registrar_share"]
        n_reg = max(MIN_TIER, round(float(rng.uniform(lo, hi)) * n_doctors))
        n_reg = min(n_reg, n_doctors - MIN_TIER)
        mixes = [spec["registrar_grades"]] * n_reg + [spec["junior_grades"]] * (n_doctors - n_reg)
        tier_of = [0] * n_reg + [1] * (n_doctors - n_reg)
    else:
        mixes = [spec["grades"]] * n_doctors
        tier_of = [0] * n_doctors
    drawn = [_draw_grade(rng, mix) for mix in mixes]
    n_ltft = round(ltft_share * n_doctors)
    ltft_idx: set[int] = set()
    first = 0
    for t in range(len(tier_list)):  # LTFT doctors spread over the tiers pro rata
        size = tier_of.count(t)
        last = t == len(tier_list) - 1
        k = n_ltft - len(ltft_idx) if last else round(n_ltft * size / n_doctors)
        picked = rng.choice(size, size=min(k, size), replace=False)
        ltft_idx |= {first + int(i) for i in picked}
        first += size
    counters: dict[str, int] = {}
    doctors: list[_Doctor] = []
    order = sorted(range(n_doctors), key=lambda j: (tier_of[j], GRADES.index(drawn[j][0]), j))
    for j in order:
        grade, years = drawn[j]
        counters[grade] = counters.get(grade, 0) + 1
        doc = _Doctor(f"{grade}-{counters[grade]:02d}", grade, years, tier_of[j])
        if j in ltft_idx:
            doc.ltft = True
            doc.fraction = float(rng.choice([0.6, 0.7, 0.8]))
            doc.hours = round(doc.fraction * target_ft, 1)
        else:
            doc.hours = target_ft
        doctors.append(doc)
        tier_list[doc.tier].doctors.append(doc)
    _references(doctors, rng)

    # --------------------------------------------------------------------- cover
    night_share = float(rng.uniform(0.18, 0.24))
    for tier in tier_list:
        _tier_cover(tier, lengths, weeks, utilisation, night_share, target_ft)
    if infeasible is not None:
        _make_infeasible(infeasible, tier_list, weeks)

    # ---------------------------------------------------------------- leave, requests
    leave: list[tuple[str, str]] = []
    per_week: dict[tuple[int, int], int] = {}
    n_leave = round(LEAVE_SHARE * n_doctors)
    for j in sorted(rng.choice(n_doctors, size=n_leave, replace=False).tolist()):
        doc = doctors[j]
        cap = max(1, len(tier_list[doc.tier].doctors) // 8)
        for _ in range(10):
            w = int(rng.integers(1, weeks + 1))
            if per_week.get((doc.tier, w), 0) < cap:
                per_week[(doc.tier, w)] = per_week.get((doc.tier, w), 0) + 1
                leave.append((doc.id, f"Mon wk{w}..Fri wk{w}"))
                break
    requests: list[dict[str, object]] = []
    for _ in range(max(1, round(REQUESTS_PER_DOCTOR * n_doctors))):
        doc = doctors[int(rng.integers(n_doctors))]
        w = int(rng.integers(1, weeks + 1))
        kind = int(rng.integers(3))
        weight = float(50 * rng.integers(1, 5))
        if kind == 0:  # a day off
            day = _DAYS[int(rng.integers(7))]
            requests.append({"doctor": doc.id, "days": f'"{day} wk{w}"', "weight": weight})
        elif kind == 1:  # no nights for a few days
            first = int(rng.integers(0, 5))
            days = f'"{_DAYS[first]} wk{w}..{_DAYS[first + 2]} wk{w}"'
            night = tier_list[doc.tier].codes["night"]
            requests.append(
                {"doctor": doc.id, "days": days, "shift": night, "prefer": False, "weight": weight}
            )
        else:  # wants a long shift on a weekday
            day = _DAYS[int(rng.integers(5))]
            code = tier_list[doc.tier].codes["long"]
            requests.append(
                {
                    "doctor": doc.id,
                    "days": f'"{day} wk{w}"',
                    "shift": code,
                    "prefer": True,
                    "weight": weight,
                }
            )

    # ---------------------------------------------------------------------- text
    title = spec["title"] + (" (tiered)" if tiered and not spec["tiers"] else "")
    flags = [f"seed {seed}"] + (["NROC"] if nroc else []) + ([infeasible] if infeasible else [])
    out = [
        f"# Generated by benchmarks/department.py: {title}, {n_doctors} doctors, "
        f"{weeks} weeks ({', '.join(flags)}).",
        f"# Full-time target {target_ft:g} h/week (floor "
        f"{'/'.join(f'{t.ft_min:g}' for t in tier_list)}, ceiling "
        f"{min(target_ft + FT_BAND_H, MAX_AVERAGE_H):g}); minimum cover {utilisation:.1%} of "
        f"the target hours; weekend cover within {WEEKEND_SHARE:.0%} of the weekend supply.",
        f'name = "{title} {n_doctors}x{weeks} seed {seed}"',
        f"weeks = {weeks}",
        f"start = {START}",
        f'rules = "{RULES}"',
        f'pay_year = "{PAY_YEAR}"',
        'objective = "pay-loss"',
    ]
    if nroc:
        out.append(f'combinable = [["{tier_list[0].codes["day"]}", "{NROC_CODE}"]]')
    out += ["", "[shifts]"]
    width = max(len(c) for c in times)
    for code, (start, end) in times.items():
        extra = ""
        if code == NROC_CODE:
            extra = f', kind = "nroc", expected_work = {NROC_EXPECTED_WORK_H!r}'
        out.append(f'{code.ljust(width)} = {{ start = "{start}", end = "{end}"{extra} }}')
    for tier in tier_list:
        for code, table in tier.cover.items():
            out += ["", f"[cover.{code}]"]
            out += [f"{scope} = {_toml_spec(value)}" for scope, value in table.items()]
    if nroc:
        out += ["", f"[cover.{NROC_CODE}]", "all = 1"]
        if tier_list[0].oc_weekend_soft:
            out.append(f"weekend = {_toml_spec(SOFT_ONE)}")
    for doc in doctors:
        tier = tier_list[doc.tier]
        out += ["", "[[doctors]]", f'id = "{doc.id}"', f'grade = "{doc.grade}"']
        out += [f"years = {doc.years}", f'specialty = "{spec["specialty"]}"']
        if doc.ltft:
            out += [
                "ltft = true",
                f"hours_per_week = {doc.hours!r}",
                f"hours_tolerance = {LTFT_TOLERANCE_H!r}",
            ]
        else:
            out += [
                f"min_hours_per_week = {tier.ft_min!r}",
                f"max_hours_per_week = {min(target_ft + FT_BAND_H, MAX_AVERAGE_H)!r}",
            ]
        if tiered:
            codes = [tier.codes[r] for r in ("day", "long", "night")]
            if tier.nroc:
                codes.append(NROC_CODE)
            out.append(f"shifts = {_toml_list(codes)}")
        if doc.reference is not None:
            out.append(f"reference_gbp = {doc.reference!r}  # 2002 {doc.grade} band {doc.band}")
    for doc_id, days in leave:
        out += ["", "[[leave]]", f'doctor = "{doc_id}"', f'days = "{days}"']
    for req in requests:
        out += ["", "[[requests]]", f'doctor = "{req["doctor"]}"', f"days = {req['days']}"]
        if "shift" in req:
            out += [f'shift = "{req["shift"]}"', f"prefer = {str(req['prefer']).lower()}"]
        out.append(f"weight = {req['weight']!r}")
    return "\n".join(out) + "\n"


def write_problem(
    path: str | Path, n_doctors: int, weeks: int, seed: int = 0, **kw: object
) -> Path:
    """Write :func:`generate_problem` text to ``path``.

    Parameters
    ----------
    path
        File to write (its folder must exist).
    n_doctors, weeks, seed, **kw
        As for :func:`generate_problem`.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    path = Path(path)
    path.write_text(generate_problem(n_doctors, weeks, seed, **kw), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python benchmarks/department.py N WEEKS [--seed S] [--out FILE]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n_doctors", type=int, help="doctors in the department")
    parser.add_argument("weeks", type=int, help="cycle length, weeks")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--shape", choices=tuple(SHAPES), default="medical")
    parser.add_argument("--ltft-share", type=float, default=0.2, help="LTFT share, 0 to 1")
    parser.add_argument("--nroc", action="store_true", help="add non-resident on-call OC")
    parser.add_argument("--tiers", action="store_true", help="registrar and junior tiers")
    parser.add_argument("--infeasible", choices=INFEASIBLE, default=None)
    parser.add_argument("--out", type=Path, default=None, help="file to write (default stdout)")
    args = parser.parse_args(argv)
    kw = {
        "shape": args.shape,
        "ltft_share": args.ltft_share,
        "nroc": args.nroc,
        "tiers": args.tiers,
        "infeasible": args.infeasible,
    }
    try:
        if args.out is None:
            sys.stdout.write(generate_problem(args.n_doctors, args.weeks, args.seed, **kw))
        else:
            write_problem(args.out, args.n_doctors, args.weeks, args.seed, **kw)
    except ValueError as exc:
        parser.error(str(exc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
