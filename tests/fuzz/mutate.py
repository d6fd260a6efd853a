"""Seeded mutations of input files: text, CSV, benchmark instances and XLSX workbooks.

Every mutator takes a :class:`random.Random` and the original content and returns
``(name, mutated content)``; the name says what was done, for failure reports.
Nothing here reads or writes files except through the bytes it is given, and the
same seed always gives the same mutants.
"""

from __future__ import annotations

import csv
import io
import random
import re
import zipfile
from collections.abc import Callable
from xml.sax.saxutils import escape

#: Values that break parsers, as TOML literals.
TOML_VALUES = (
    "nan",
    "inf",
    "-inf",
    '"３"',
    '"²"',
    '"٣"',
    "99999999999999999999",
    "9223372036854775807",
    "-9223372036854775808",
    "1" + "0" * 5000,
    "1e308",
    "-1",
    "0",
    "0.001",
    "0.0",
    "true",
    '"text"',
    '""',
    "[]",
    "{}",
    "[1, 2]",
    "{ a = { b = 1 } }",
    '"０８:００"',
    '"08:0²"',
    '"08:00"',
    '"24:00"',
    "9999-12-27",
    "0001-01-01",
    "9999-12-31T23:59:59",
    "08:00:00",
    '"Sat wk２"',
    '"Mon wk1..Sun wk9999"',
    '"' + "x" * 5000 + '"',
    '"\\u0000\\n\\r"',
    "[" * 60 + "]" * 60,
    "{a=" * 60 + "1" + "}" * 60,
)
#: Values that break parsers, as spreadsheet or CSV cell text.
CELL_VALUES = (
    "nan",
    "inf",
    "-inf",
    "1e999",
    "３",
    "²",
    "٣",
    "1_000",
    "99999999999999999999",
    "9223372036854775807",
    "1" + "0" * 5000,
    "-1",
    "0",
    "0.001",
    "",
    " ",
    "-",
    "+",
    "D+",
    "+D",
    "D++N",
    "true",
    "text",
    "=1+1",
    "'=1+1",
    "０８:００",
    "08:0²",
    "24:00",
    "08:00:00",
    "9999-12-27",
    "0001-01-01",
    "Sat wk２",
    "Mon wk1..Sun wk9999",
    "x" * 5000,
    "a\nb",
    "\x00",
    "F1, F2",
)
#: Values for benchmark instance fields.
INT_VALUES = (
    "-1",
    "0",
    "３",
    "1_000",
    "1e3",
    "nan",
    "99999999999999999999",
    "10000000000",
    "9223372036854775807",
    "1" + "0" * 5000,
    "",
    "x",
    " 7 ",
)

_KEY_LINE = re.compile(r"^(\s*[A-Za-z0-9_\"-]+\s*=\s*)(.*)$")
_INLINE_VALUE = re.compile(r"(\b[a-z_]+\s*=\s*)(\"[^\"]*\"|[^,}\s]+)")
_NUMBER = re.compile(r"(?<![\w.])-?[0-9]+(?:\.[0-9]+)?(?![\w.])")

Mutator = Callable[[random.Random, str], tuple[str, str]]


def _lines(text: str) -> list[str]:
    return text.split("\n")


def delete_line(rng: random.Random, text: str) -> tuple[str, str]:
    """Delete one line (a key, a table header, part of a pattern)."""
    lines = _lines(text)
    i = rng.randrange(len(lines))
    return f"delete line {i + 1}", "\n".join(lines[:i] + lines[i + 1 :])


def duplicate_line(rng: random.Random, text: str) -> tuple[str, str]:
    """Repeat one line (a duplicate key or table)."""
    lines = _lines(text)
    i = rng.randrange(len(lines))
    return f"duplicate line {i + 1}", "\n".join(lines[: i + 1] + lines[i:])


def swap_lines(rng: random.Random, text: str) -> tuple[str, str]:
    """Swap two lines."""
    lines = _lines(text)
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return f"swap lines {i + 1} and {j + 1}", "\n".join(lines)


def replace_toml_value(rng: random.Random, text: str) -> tuple[str, str]:
    """Give one ``key = value`` line a wrong-typed, non-finite, huge or unicode value."""
    lines = _lines(text)
    keyed = [i for i, line in enumerate(lines) if _KEY_LINE.match(line)]
    if not keyed:
        return delete_line(rng, text)
    i = rng.choice(keyed)
    value = rng.choice(TOML_VALUES)
    lines[i] = _KEY_LINE.sub(lambda m: m.group(1) + value, lines[i])
    return f"line {i + 1} = {value[:30]}", "\n".join(lines)


def replace_inline_value(rng: random.Random, text: str) -> tuple[str, str]:
    """Change one value inside an inline table (``{ start = "08:00", ... }``)."""
    spots = [m for m in _INLINE_VALUE.finditer(text) if "{" in text[: m.start()]]
    if not spots:
        return replace_toml_value(rng, text)
    m = rng.choice(spots)
    value = rng.choice(TOML_VALUES)
    return (
        f"inline {m.group(1).strip()} {value[:30]}",
        text[: m.start(2)] + value + text[m.end(2) :],
    )


def replace_number(rng: random.Random, text: str) -> tuple[str, str]:
    """Replace one number in the text with a huge, negative or unicode one."""
    spots = list(_NUMBER.finditer(text))
    if not spots:
        return truncate(rng, text)
    m = rng.choice(spots)
    value = rng.choice(INT_VALUES + ("1e308", "0.0001", "-0"))
    return f"number at {m.start()} -> {value[:30]}", text[: m.start()] + value + text[m.end() :]


def replace_word(rng: random.Random, text: str) -> tuple[str, str]:
    """Replace one word (a shift code in a pattern, a grade, a key) with odd text."""
    spots = list(re.finditer(r"[A-Za-z][A-Za-z0-9_-]*", text))
    m = rng.choice(spots)
    value = rng.choice(("D+", "+", "３", "x" * 300, "Ｄ", "-", ".", "nan", "true", "wk2 Sat"))
    return f"word {m.group()!r} -> {value[:30]!r}", text[: m.start()] + value + text[m.end() :]


def truncate(rng: random.Random, text: str) -> tuple[str, str]:
    """Cut the text short."""
    n = rng.randrange(len(text))
    return f"truncate at {n}", text[:n]


def garbage_bytes(rng: random.Random, raw: bytes) -> tuple[str, bytes]:
    """Insert random bytes (NULs, invalid UTF-8, control characters) somewhere."""
    n = rng.randrange(len(raw) + 1)
    junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
    return f"garbage {junk!r} at {n}", raw[:n] + junk + raw[n:]


#: Mutators of TOML text, with weights.
TOML_MUTATORS: tuple[tuple[Mutator, int], ...] = (
    (delete_line, 3),
    (duplicate_line, 1),
    (swap_lines, 1),
    (replace_toml_value, 6),
    (replace_inline_value, 4),
    (replace_number, 3),
    (replace_word, 2),
    (truncate, 1),
)


def _pick(rng: random.Random, mutators: tuple[tuple[Callable, int], ...]) -> Callable:
    funcs, weights = zip(*mutators, strict=True)
    return rng.choices(funcs, weights)[0]


def mutate_text(rng: random.Random, text: str) -> tuple[str, bytes]:
    """One mutant of a TOML file: one to three text mutations, or (1 in 12) garbage bytes."""
    if rng.randrange(12) == 0:
        return garbage_bytes(rng, text.encode("utf-8"))
    names = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        name, text = _pick(rng, TOML_MUTATORS)(rng, text) if text else ("empty", text)
        names.append(name)
    return "; ".join(names), text.encode("utf-8")


#: Tables appended to a problem file, ``{}`` standing for a value from :data:`TOML_VALUES`
#: (the doctor ``F1-1`` and the shift ``D`` may or may not exist in the file).
PROBLEM_SNIPPETS = (
    '[[leave]]\ndoctor = "F1-1"\ndays = {}\n',
    '[[leave]]\ndoctor = {}\ndays = "Mon wk1"\n',
    '[[fixed]]\ndoctor = "F1-1"\ndays = {}\nshift = "D"\n',
    '[[fixed]]\ndoctor = "F1-1"\ndays = "Tue wk1"\nshift = {}\n',
    '[[requests]]\ndoctor = "F1-1"\ndays = "Wed wk1"\nweight = {}\n',
    '[[requests]]\ndoctor = "F1-1"\ndays = {}\nshift = "D"\nprefer = true\nweight = 5\n',
    "[design.night_blocks]\nmin = {}\n",
    "[design.full_time_hours]\nmax = {}\n",
    "[design.weekend_unit]\ndays = {}\n",
    "[design]\nleave_hours_per_day = {}\n",
    '[rule_overrides]\n"weekend_frequency.limit" = {}\n',
    "[tiers.registrar]\ngrades = {}\n",
    '[[doctors]]\nid = "X"\ngrade = "F1"\nhours_per_week = {}\n',
    '[[doctors]]\nid = "Y"\ngrade = "ST"\nyears = {}\nreference_gbp = 50000\n',
    '[[rolling]]\nid = "R"\ngrade = "F1"\ndoctors = {}\n',
    '[cover.D]\nexcept = {{ "Sat wk1" = {} }}\n',
)


def append_snippet(rng: random.Random, text: str) -> tuple[str, str]:
    """Append a problem table (leave, fixed, requests, design...) with an odd value."""
    value = rng.choice(TOML_VALUES + ('"Mon wk1..Sun wk1"', '["Mon wk1", 3]', "7", "-3"))
    snippet = rng.choice(PROBLEM_SNIPPETS).format(value)
    return f"append {snippet.splitlines()[0]} ... {value[:30]}", text + "\n" + snippet


def mutate_problem(rng: random.Random, text: str) -> tuple[str, bytes]:
    """One mutant of a problem file: a table appended (1 in 3), then a text mutation."""
    if rng.randrange(3) == 0:
        name, text = append_snippet(rng, text)
        if rng.randrange(2):
            return name, text.encode("utf-8")
        more, out = mutate_text(rng, text)
        return f"{name}; {more}", out
    return mutate_text(rng, text)


# ----------------------------------------------------------------------------- CSV


def _write_csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def mutate_csv(rng: random.Random, text: str) -> tuple[str, bytes]:
    """One mutant of a CSV table: a cell, a ragged or missing row or column, or bytes."""
    rows = list(csv.reader(io.StringIO(text)))
    r = rng.randrange(len(rows))
    kind = rng.randrange(9)
    if kind == 0:
        return garbage_bytes(rng, text.encode("utf-8"))
    if kind == 1:
        name, out = truncate(rng, text)
        return name, out.encode("utf-8")
    if kind == 2:
        rows[r] = rows[r][: rng.randrange(len(rows[r]) + 1)]
        name = f"ragged row {r + 1}"
    elif kind == 3:
        rows[r] = rows[r] + [rng.choice(CELL_VALUES) for _ in range(rng.randrange(1, 9))]
        name = f"extra cells in row {r + 1}"
    elif kind == 4:
        del rows[r]
        name = f"delete row {r + 1}"
    elif kind == 5:
        c = rng.randrange(max(len(rows[0]), 1))
        rows = [row[:c] + row[c + 1 :] for row in rows]
        name = f"delete column {c + 1}"
    else:
        c = rng.randrange(max(len(rows[r]), 1))
        value = rng.choice(CELL_VALUES)
        rows[r] = rows[r][:c] + [value] + rows[r][c + 1 :]
        name = f"cell ({r + 1}, {c + 1}) = {value[:30]!r}"
    return name, _write_csv(rows).encode("utf-8")


# ----------------------------------------------------------------------------- instances


def mutate_instance(rng: random.Random, text: str) -> tuple[str, bytes]:
    """One mutant of a benchmark instance: a field, a line, a section, or bytes."""
    kind = rng.randrange(8)
    if kind == 0:
        return garbage_bytes(rng, text.encode("utf-8"))
    if kind == 1:
        name, out = truncate(rng, text)
    elif kind == 2:
        name, out = delete_line(rng, text)
    elif kind == 3:
        name, out = duplicate_line(rng, text)
    else:
        lines = _lines(text)
        data = [i for i, ln in enumerate(lines) if ln and not ln.startswith(("#", "SECTION"))]
        i = rng.choice(data)
        parts = lines[i].split(",")
        j = rng.randrange(len(parts))
        value = rng.choice(INT_VALUES + ("D", "Q", "D=3|Q=1", "D=x", "|", "=", ",,"))
        parts[j] = value
        lines[i] = ",".join(parts)
        name, out = f"line {i + 1} field {j + 1} = {value[:30]!r}", "\n".join(lines)
    return name, out.encode("utf-8")


# ----------------------------------------------------------------------------- XLSX


def zip_members(raw: bytes) -> dict[str, bytes]:
    """The members of a zip archive, by name."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def build_zip(members: dict[str, bytes]) -> bytes:
    """A zip archive of ``members`` (deflated)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


_CELL_TEXT = re.compile(rb"<(v|t)(?: [^>]*)?>([^<]*)</\1>")
_CELL_TYPE = re.compile(rb'<c r="[A-Z]+[0-9]+"([^>]*?) t="([a-zA-Z]+)"')


def _xml_parts(members: dict[str, bytes]) -> list[str]:
    return [n for n in members if n.startswith("xl/") and n.endswith(".xml")]


def _cell_value(rng: random.Random, members: dict[str, bytes]) -> str:
    """Replace the text of one cell value (``<v>``) or string (``<t>``)."""
    parts = [n for n in _xml_parts(members) if _CELL_TEXT.search(members[n])]
    part = rng.choice(parts)
    spots = list(_CELL_TEXT.finditer(members[part]))
    m = rng.choice(spots)
    value = escape(rng.choice(CELL_VALUES)).encode("utf-8")
    data = members[part]
    members[part] = data[: m.start(2)] + value + data[m.end(2) :]
    return f"{part}: value -> {value[:30]!r}"


def _cell_type(rng: random.Random, members: dict[str, bytes]) -> str:
    """Change one cell's type (a string read as a number, a Boolean, a date, an error)."""
    parts = [n for n in _xml_parts(members) if _CELL_TYPE.search(members[n])]
    if not parts:
        return _cell_value(rng, members)
    part = rng.choice(parts)
    m = rng.choice(list(_CELL_TYPE.finditer(members[part])))
    new = rng.choice((b"n", b"b", b"d", b"e", b"str", b"inlineStr", b"s", b"zz"))
    data = members[part]
    members[part] = data[: m.start(2)] + new + data[m.end(2) :]
    return f"{part}: type {m.group(2)!r} -> {new!r}"


def _drop_sheet(rng: random.Random, members: dict[str, bytes]) -> str:
    """Remove one sheet from the workbook's list (its part stays), or one part."""
    book = members["xl/workbook.xml"]
    sheets = list(re.finditer(rb"<sheet [^>]*/>", book))
    if sheets and rng.randrange(2):
        m = rng.choice(sheets)
        members["xl/workbook.xml"] = book[: m.start()] + book[m.end() :]
        return f"drop sheet {m.group()[:60]!r}"
    name = rng.choice(sorted(members))
    del members[name]
    return f"drop member {name}"


def _rename_sheet(rng: random.Random, members: dict[str, bytes]) -> str:
    book = members["xl/workbook.xml"]
    names = list(re.finditer(rb'<sheet name="([^"]*)"', book))
    m = rng.choice(names)
    new = rng.choice((b"Shifts", b"meta", b"shifts", b"rota", b"x" * 40, b"doctors", b""))
    members["xl/workbook.xml"] = book[: m.start(1)] + new + book[m.end(1) :]
    return f"rename sheet {m.group(1)!r} -> {new!r}"


def _break_xml(rng: random.Random, members: dict[str, bytes]) -> str:
    """Cut or splice one XML part so it is malformed."""
    name = rng.choice(_xml_parts(members))
    data = members[name]
    n = rng.randrange(len(data))
    if rng.randrange(2):
        members[name] = data[:n]
        return f"{name}: truncate at {n}"
    junk = rng.choice((b"<", b"</row>", b"<c r='A1'>", b"&bogus;", b"\x00", b"<!DOCTYPE x>"))
    members[name] = data[:n] + junk + data[n:]
    return f"{name}: insert {junk!r} at {n}"


def _cell_far_away(rng: random.Random, members: dict[str, bytes]) -> str:
    """Move one cell reference far out (column XFD, row 1048576)."""
    parts = [n for n in _xml_parts(members) if b'<c r="' in members[n]]
    part = rng.choice(parts)
    data = members[part]
    spots = list(re.finditer(rb'<c r="([A-Z]+[0-9]+)"', data))
    m = rng.choice(spots)
    new = rng.choice((b"XFD1", b"A1048576", b"XFD1048576", b"A0", b"1A"))
    members[part] = data[: m.start(1)] + new + data[m.end(1) :]
    return f"{part}: cell {m.group(1)!r} -> {new!r}"


_XLSX_MEMBER_MUTATORS = (
    (_cell_value, 8),
    (_cell_type, 3),
    (_drop_sheet, 2),
    (_rename_sheet, 1),
    (_break_xml, 3),
    (_cell_far_away, 1),
)


def mutate_xlsx(rng: random.Random, raw: bytes) -> tuple[str, bytes]:
    """One mutant of a workbook: a cell or part rewritten, or the zip's bytes damaged."""
    kind = rng.randrange(10)
    if kind == 0:
        n = rng.randrange(len(raw))
        return f"truncate zip at {n}", raw[:n]
    if kind in (1, 2):  # flip bytes: in a deflate stream, a header or the directory
        data = bytearray(raw)
        spots = [rng.randrange(len(data)) for _ in range(rng.randrange(1, 4))]
        for i in spots:
            data[i] ^= 1 << rng.randrange(8)
        return f"flip bits at {spots}", bytes(data)
    members = zip_members(raw)
    name = _pick(rng, _XLSX_MEMBER_MUTATORS)(rng, members)
    return name, build_zip(members)
