"""Collect every value tagged ``[A]`` (an assumption) from the parameter files.

``python -m scenarios.assumptions > docs/assumptions.md`` regenerates the list;
a test keeps the document in step with the parameter files.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Parameter files, relative to the repository root (globs).
PARAMETER_FILES = (
    "simulator/definitions.toml",
    "simulator/contracts/params/*.toml",
    "simulator/rules/params/*.toml",
    "simulator/oncall/params.toml",
    "scenarios/data/*.toml",
)

HEADER = """# Assumptions

Every value below is tagged `[A]` in its parameter file: no public source fixes
it, so it is this project's assumption. Each can be overridden (`--set`,
`--params FILE`, or a scenario's overrides); the files give the reasoning.
Readings of the reference where it leaves a choice are in the README's design
notes and in docs/rules.md, docs/pay.md, docs/oncall.md and docs/scenarios.md.

This page is generated: `python -m scenarios.assumptions > docs/assumptions.md`.
"""


def _walk(table: dict, prefix: str) -> Iterator[tuple[str, dict]]:
    for key, value in table.items():
        if isinstance(value, dict):
            if "tag" in value:
                yield f"{prefix}{key}", value
            else:
                yield from _walk(value, f"{prefix}{key}.")


def collect_assumptions(root: Path = ROOT) -> list[dict]:
    """Every ``tag = "A"`` entry: file, dotted key, value, unit and source."""
    found = []
    for pattern in PARAMETER_FILES:
        for path in sorted(root.glob(pattern)):
            data = tomllib.loads(path.read_text("utf-8"))
            for key, entry in _walk(data, ""):
                if str(entry.get("tag")).strip("[]") == "A":
                    found.append(
                        {
                            "file": path.relative_to(root).as_posix(),
                            "key": key,
                            "value": entry.get("value", "(not set)"),
                            "unit": entry.get("unit", ""),
                            "source": entry.get("source", ""),
                        }
                    )
    return found


def render_markdown(rows: list[dict]) -> str:
    """The assumptions page: one table per parameter file."""
    out = [HEADER]
    for file in dict.fromkeys(r["file"] for r in rows):
        out += [f"\n## `{file}`\n", "| key | value | unit | why |", "|---|---|---|---|"]
        for r in (r for r in rows if r["file"] == file):
            cells = [f"`{r['key']}`", str(r["value"]), str(r["unit"]), str(r["source"])]
            out.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(render_markdown(collect_assumptions()), end="")
