"""The domain core: read, measure, check, price and simulate rotas.

The simulator never imports :mod:`optimizer` or :mod:`scenarios`, never prints,
draws or parses command lines.

The names below are loaded on first use, so importing a light module such as
:mod:`simulator.model` does not import NumPy and Numba (the command line's help
stays fast).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .compile import CompiledRota, compile_rota
    from .model import Line, Rota, RotaError, ShiftType

__all__ = ["CompiledRota", "Line", "Rota", "RotaError", "ShiftType", "compile_rota"]

#: Where each public name lives.
_HOMES = {
    "CompiledRota": ".compile",
    "compile_rota": ".compile",
    "Line": ".model",
    "Rota": ".model",
    "RotaError": ".model",
    "ShiftType": ".model",
}


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
