"""Sub-commands of ``rota``: every public module here has ``register(subparsers)``."""

from __future__ import annotations

import pkgutil

#: Help order; modules not listed follow in name order.
ORDER = ("demo", "hours", "check", "pay", "compare", "simulate", "optimise", "nrp", "sweep")


def command_modules() -> tuple[str, ...]:
    """Names of the sub-command modules, in help order."""
    found = [m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")]
    rank = {name: i for i, name in enumerate(ORDER)}
    return tuple(sorted(found, key=lambda n: (rank.get(n, len(ORDER)), n)))
