"""Plain-Python reference checker for every rule family.

Written independently of the Numba kernels and slow on purpose: the cycle is
unrolled into explicit laps (copies of the line shifted by whole cycles) instead
of wrapping indices; merged duty periods are the unrolled periods that start in
the first lap; NROC rest is counted minute by minute. The tests compare the
kernels with it record by record; the benchmark reports the speed ratio.

It returns the same raw records as the kernels (see :mod:`simulator.rules.kernels`).
"""

from __future__ import annotations

import math

from ..compile import CompiledRota
from ..definitions import Definitions
from ..model import KIND_CODE
from .ruleset import PATTERN_CODE, Rule, RuleSet

DAY = 1440
WEEK = 10080
TOL = 1e-6
NROC = KIND_CODE["nroc"]

Duty = tuple[int, int, int, float, float]  # start, length, kind, work, expected work


def _ov(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def _copies(duties: list[Duty], idx: list[int], cycle: int, laps: range) -> list[tuple]:
    """(start, end, duty index) of the chosen duties, repeated over ``laps``, sorted."""
    return sorted(
        (duties[i][0] + k * cycle, duties[i][0] + k * cycle + duties[i][1], i)
        for k in laps
        for i in idx
    )


def _periods(duties: list[Duty], idx: list[int], cycle: int):
    """Merged periods starting in lap 0: ``(start, end, first duty, last duty, gap after)``.

    Returns ``None`` when duty never stops (a merged period as long as the cycle).
    """
    merged: list[list] = []
    for s, e, i in _copies(duties, idx, cycle, range(-1, 3)):
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1][1] = e
                merged[-1][3] = i
        else:
            merged.append([s, e, i, i])
    if any(e - s >= cycle for s, e, _, _ in merged):
        return None
    out = []
    for j, (s, e, first, last) in enumerate(merged):
        if 0 <= s < cycle:
            out.append((s, e, first, last, merged[j + 1][0] - e))
    return out


def _pattern(duties: list[Duty]) -> int:
    kinds = {d[2] for d in duties}
    if KIND_CODE["oncall"] in kinds or NROC in kinds:
        return PATTERN_CODE["oncall"]
    if KIND_CODE["partial"] in kinds:
        return PATTERN_CODE["partial"]
    return PATTERN_CODE["full"]


def _rec(rule: int, day: int, clock: int, a: int, b: int, sub: int, measured, limit):
    return [rule, day, clock, a, b, sub], [float(measured), float(limit)]


# ----------------------------------------------------------------------- families


def ref_weekly(duties, idx, weeks, rule: Rule, r: int):
    """Average weekly hours over the worst run of reference-period weeks."""
    cycle = weeks * WEEK
    measure = rule.options.get("measure", "working_time")
    minutes = [0.0] * weeks
    for i in idx:
        s, ln, kind, work, _ = duties[i]
        if measure == "duty" or (measure == "working_time" and kind != NROC):
            amount = float(ln)
        else:
            amount = work
        for lap in (0, 1):
            for w in range(weeks):
                lo = lap * cycle + w * WEEK
                part = _ov(s, s + ln, lo, lo + WEEK)
                if part:
                    minutes[w] += amount * part / ln
    ref = rule.value("reference_period")
    span = weeks if ref <= 0 or ref >= weeks else int(ref)
    sums = [sum(minutes[(w + j) % weeks] for j in range(span)) for w in range(weeks)]
    if span == weeks:
        sums = sums[:1]
    best = max(sums)
    first = min(w for w, x in enumerate(sums) if x >= best - TOL)
    limit = rule.value("limit")
    if best / 60 / span > limit + TOL / 60:
        return [_rec(r, 7 * first, -1, -1, -1, 0, best / 60 / span, limit)]
    return []


def ref_window(duties, idx, cycle, rule: Rule, r: int):
    """Most hours of selected duty in any window, brute force over candidate starts."""
    window = round(rule.value("window") * 60)
    limit = rule.value("limit")
    copies = _copies(duties, idx, cycle, range(-1, 3))
    cands = sorted({(duties[i][0] + k) % cycle for i in idx for k in (0, duties[i][1] - window)})
    best, best_t = -1, 0
    for t in cands:
        total = sum(_ov(s, e, t, t + window) for s, e, _ in copies)
        if total > best:
            best, best_t = total, t
    if idx and best > limit * 60 + TOL:
        return [_rec(r, best_t // DAY, best_t % DAY, -1, -1, 0, best / 60, limit)]
    return []


def ref_shift_length(duties, idx, rule: Rule, r: int):
    """Every selected duty longer than the limit."""
    limit = rule.value("limit")
    return [
        _rec(r, duties[i][0] // DAY, duties[i][0] % DAY, i, -1, 0, duties[i][1] / 60, limit)
        for i in idx
        if duties[i][1] > limit * 60 + TOL
    ]


def ref_rest(duties, idx, cycle, rule: Rule, r: int):
    """Rest gaps between merged periods shorter than the limit."""
    limit = rule.value("limit")
    if not idx:
        return []
    periods = _periods(duties, idx, cycle)
    if periods is None:
        return [_rec(r, 0, -1, -1, -1, 0, 0.0, limit)]
    out = []
    for j, (_, e, _, last, gap) in enumerate(periods):
        if gap < limit * 60 - TOL:
            nxt = periods[(j + 1) % len(periods)][2]
            t = e % cycle
            out.append(_rec(r, t // DAY, t % DAY, last, nxt, 0, gap / 60, limit))
    return out


def ref_continuous(duties, idx, weeks, defs: Definitions, rule: Rule, r: int):
    """Merged periods longer than the limit (or the weekend limit over a weekend)."""
    cycle = weeks * WEEK
    limit = rule.value("limit")
    weekend_limit = rule.value("weekend_limit")
    if not idx:
        return []
    periods = _periods(duties, idx, cycle)
    if periods is None:
        return [_rec(r, 0, -1, -1, -1, 0, cycle / 60, limit)]
    if rule.options.get("weekend", "2002") == "2002":
        lo, hi = defs.weekend_2002_start_min, defs.weekend_2002_end_min
    else:
        lo, hi = defs.weekend_start_min, defs.weekend_end_min
    out = []
    for s, e, first, last, _ in periods:
        cap = limit
        touches = any(_ov(s, e, k * WEEK + lo, k * WEEK + hi) for k in range(-1, 2 * weeks + 2))
        if not math.isnan(weekend_limit) and touches:
            cap = weekend_limit
        if e - s > cap * 60 + TOL:
            out.append(_rec(r, s // DAY, s % DAY, first, last, 0, (e - s) / 60, cap))
    return out


def _counted(duty: Duty, family: str, defs: Definitions) -> bool:
    s, ln, kind, _, _ = duty
    resident = kind != NROC
    if family == "consecutive_nights":
        night = sum(
            _ov(s, s + ln, d * DAY + defs.night_start_min, d * DAY + defs.night_end_min)
            for d in range(s // DAY - 1, (s + ln) // DAY + 1)
        )
        return resident and night >= defs.night_min_work_min
    long_shift = resident and ln > defs.long_shift_more_than_min
    if family == "consecutive_long_shifts":
        return long_shift
    if family == "consecutive_long_evenings":
        clock = s % DAY
        return (
            long_shift
            and clock < defs.long_evening_starts_before_min
            and clock + ln > defs.long_evening_ends_after_min
        )
    return True


def ref_runs(duties, idx, n_days, defs: Definitions, rule: Rule, r: int):
    """Runs of days on which a counted duty starts, and the rest after long runs."""
    cycle = n_days * DAY
    limit = rule.value("limit")
    rest_after = rule.value("rest_after")
    need = rule.value("rest_after_run")
    need = limit if math.isnan(need) else need
    by_day: dict[int, list[int]] = {}
    for i in idx:
        if _counted(duties[i], rule.family, defs):
            by_day.setdefault(duties[i][0] // DAY, []).append(i)
    out = []
    if len(by_day) == n_days:
        if n_days > limit + TOL:
            out.append(_rec(r, 0, -1, by_day[0][0], -1, 0, n_days, limit))
        return out
    for d0 in sorted(by_day):
        if (d0 - 1) % n_days in by_day:
            continue
        length = 1
        while (d0 + length) % n_days in by_day:
            length += 1
        a = by_day[d0][0]
        b = by_day[(d0 + length - 1) % n_days][-1]
        if length > limit + TOL:
            out.append(_rec(r, d0, duties[a][0] % DAY, a, b, 0, length, limit))
        if math.isnan(rest_after) or length < need - TOL:
            continue
        end = duties[b][0] + duties[b][1]
        t_next, nxt = min(
            (duties[j][0] + k * cycle, j)
            for j in idx
            for k in (0, 1, 2)
            if duties[j][0] + k * cycle >= end
        )
        if t_next - end < rest_after * 60 - TOL:
            t = end % cycle
            out.append(_rec(r, t // DAY, t % DAY, b, nxt, 1, (t_next - end) / 60, rest_after))
    return out


def ref_weekend(duties, idx, weeks, defs: Definitions, rule: Rule, r: int):
    """Weekends worked over weeks, against at most 1 in N."""
    cycle = weeks * WEEK
    if rule.options.get("weekend", "2016") == "2016":
        lo, hi = defs.weekend_start_min, defs.weekend_end_min
    else:
        lo, hi = defs.weekend_2002_start_min, defs.weekend_2002_end_min
    worked = sorted(
        {
            k
            for k in range(weeks)
            for s, e, _ in _copies(duties, idx, cycle, range(-1, 2))
            if _ov(s, e, k * WEEK + lo, k * WEEK + hi) > 0
        }
    )
    one_in = rule.value("limit")
    count = len(worked)
    over = count / weeks > 1 / one_in + TOL if one_in > 0 else count > 0
    if over:
        limit = 1 / one_in if one_in > 0 else 0.0
        return [_rec(r, 7 * worked[0] + lo // DAY, -1, -1, -1, 0, count / weeks, limit)]
    return []


def ref_off_duty(duties, idx, n_days, rule: Rule, r: int):
    """Off-duty periods overlapping every window of whole days from a midnight."""
    cycle = n_days * DAY
    span = round(rule.value("window") * DAY)
    long_min = rule.value("long") * 60
    short_min = rule.value("short") * 60
    if not idx:
        return []
    periods = _periods(duties, idx, cycle)
    if periods is None:
        return [_rec(r, 0, -1, -1, -1, 0, 0.0, rule.value("long"))]
    laps = range(-2, span // cycle + 3)
    gaps = [(e + k * cycle, e + k * cycle + g) for k in laps for _, e, _, _, g in periods]
    either = rule.options.get("mode", "both") == "either"
    fail, first, second = [], [], []
    for d in range(n_days):
        inside = [b - a for a, b in gaps if b > d * DAY and a < d * DAY + span]
        parts = sorted(inside, reverse=True) + [0, 0]
        n_long = sum(p >= long_min - TOL for p in parts)
        n_short = sum(p >= short_min - TOL for p in parts)
        ok = (n_long >= 1 or n_short >= 2) if either else (n_long >= 1 and n_short >= 2)
        fail.append(not ok)
        first.append(parts[0])
        second.append(parts[1])
    starts = [d for d in range(n_days) if fail[d] and not fail[d - 1]]
    if all(fail):
        starts = [0]
    out = []
    for d in starts:
        if first[d] < long_min - TOL:
            out.append(_rec(r, d, -1, -1, -1, 0, first[d] / 60, rule.value("long")))
        else:
            out.append(_rec(r, d, -1, -1, -1, 1, second[d] / 60, rule.value("short")))
    return out


def _busy_minutes(duties: list[Duty], cycle: int, lo: int, hi: int) -> bytearray:
    """One flag per minute of ``[lo, hi)``: 1 when on resident duty or doing NROC work."""
    flags = bytearray(hi - lo)
    for s, ln, kind, work, _ in duties:
        amount = ln if kind != NROC else round(work)
        for k in range(-1, 2):
            a, b = max(s + k * cycle, lo), min(s + k * cycle + amount, hi)
            if b > a:
                flags[a - lo : b - lo] = b"\x01" * (b - a)
    return flags


def _longest_zero_run(flags: bytearray) -> int:
    best = run = 0
    for f in flags:
        run = 0 if f else run + 1
        best = max(best, run)
    return best


def ref_nroc(duties, idx, cycle, rule: Rule, r: int):
    """NROC rest, minute by minute, with expected work as one block from the start."""
    per = round(rule.value("per") * 60)
    w_lo = round(rule.value("window_start") * 60)
    w_hi = round(rule.value("window_end") * 60)
    if w_hi <= w_lo:
        w_hi += DAY
    out = []
    for i in idx:
        s, ln, kind, _, expected = duties[i]
        if kind != NROC or math.isnan(expected):
            continue
        rest = per - sum(_busy_minutes(duties, cycle, s, s + per))
        if rest < rule.value("total_rest") * 60 - TOL:
            out.append(_rec(r, s // DAY, s % DAY, i, -1, 0, rest / 60, rule.value("total_rest")))
        for d in range(s // DAY - 1, (s + ln) // DAY + 1):
            w0, w1 = d * DAY + w_lo, d * DAY + w_hi
            if _ov(s, s + ln, w0, w1) == 0:
                continue
            free = _longest_zero_run(_busy_minutes(duties, cycle, w0, w1))
            if free < rule.value("continuous_rest") * 60 - TOL:
                t = w0 % cycle
                out.append(
                    _rec(r, t // DAY, t % DAY, i, -1, 1, free / 60, rule.value("continuous_rest"))
                )
    return out


# ---------------------------------------------------------------------- the driver


def reference_line(
    duties: list[Duty], weeks: int, ltft: bool, rules: RuleSet, defs: Definitions
) -> list[tuple[list[int], list[float]]]:
    """Records of one line (unsorted)."""
    cycle = weeks * WEEK
    n_days = 7 * weeks
    pattern = {v: k for k, v in PATTERN_CODE.items()}[_pattern(duties)]
    out = []
    for r, rule in enumerate(rules.rules):
        if pattern not in rule.patterns or (rule.ltft is not None and rule.ltft != ltft):
            continue
        codes = {KIND_CODE[k] for k in rule.kinds}
        idx = [i for i, d in enumerate(duties) if d[2] in codes]
        fam = rule.family
        if fam == "average_weekly_hours":
            out += ref_weekly(duties, idx, weeks, rule, r)
        elif fam == "hours_in_window":
            out += ref_window(duties, idx, cycle, rule, r)
        elif fam == "shift_length":
            out += ref_shift_length(duties, idx, rule, r)
        elif fam == "rest_between_duties":
            out += ref_rest(duties, idx, cycle, rule, r)
        elif fam == "continuous_duty":
            out += ref_continuous(duties, idx, weeks, defs, rule, r)
        elif fam.startswith("consecutive_"):
            out += ref_runs(duties, idx, n_days, defs, rule, r)
        elif fam == "weekend_frequency":
            out += ref_weekend(duties, idx, weeks, defs, rule, r)
        elif fam == "off_duty_periods":
            out += ref_off_duty(duties, idx, n_days, rule, r)
        elif fam == "nroc_rest":
            out += ref_nroc(duties, idx, cycle, rule, r)
    return out


def reference_records(
    compiled: CompiledRota, rules: RuleSet, defs: Definitions, lines: range | None = None
) -> tuple[list[int], list[list[int]], list[list[float]]]:
    """Records of every line (or of ``lines``): line indices, int parts, float parts."""
    line_of: list[int] = []
    rows_i: list[list[int]] = []
    rows_f: list[list[float]] = []
    for li in range(compiled.n_lines) if lines is None else lines:
        sl = compiled.line_slice(li)
        duties = list(
            zip(
                compiled.start_min[sl].tolist(),
                compiled.duration_min[sl].tolist(),
                compiled.kind[sl].tolist(),
                compiled.work_min[sl].tolist(),
                compiled.expected_work_min[sl].tolist(),
                strict=True,
            )
        )
        for ri, rf in reference_line(duties, compiled.weeks, bool(compiled.ltft[li]), rules, defs):
            line_of.append(li)
            rows_i.append(ri)
            rows_f.append(rf)
    return line_of, rows_i, rows_f
