"""``rota nrp INSTANCE``: solve an instance of the public shift-scheduling benchmark."""

from optimizer.nrp.cli import register, run

__all__ = ["register", "run"]
