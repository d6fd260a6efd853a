"""The domain core: read, measure, check, price and simulate rotas.

The simulator never imports :mod:`optimizer` or :mod:`scenarios`, never prints,
draws or parses command lines.
"""

from .compile import CompiledRota, compile_rota
from .model import Line, Rota, RotaError, ShiftType

__all__ = ["CompiledRota", "Line", "Rota", "RotaError", "ShiftType", "compile_rota"]
