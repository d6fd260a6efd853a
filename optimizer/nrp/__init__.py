"""Employee shift scheduling benchmark (Curtois & Qu 2014): reader, evaluator, solver."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from optimizer.nrp.best_known import BEST_KNOWN, best_known_for
from optimizer.nrp.evaluate import Evaluation, evaluate
from optimizer.nrp.instance import NrpFormatError, NrpInstance, parse_instance, read_instance
from optimizer.nrp.model import NrpResult, solve

__all__ = [
    "BEST_KNOWN",
    "DEFAULT_DATA_DIR",
    "Evaluation",
    "NrpFormatError",
    "NrpInstance",
    "NrpResult",
    "best_known_for",
    "evaluate",
    "instance_path",
    "parse_instance",
    "read_instance",
    "solve",
]

#: The 24 benchmark instances ship with the package (``optimizer/nrp/data``, with a
#: README giving the format and best known values); ``ROTA_NRP_DATA`` points elsewhere.
DEFAULT_DATA_DIR = Path(str(resources.files(__name__).joinpath("data")))


def instance_path(instance: str | int | os.PathLike[str]) -> Path:
    """Resolve an instance number (1-24) or a path to an instance file.

    Numbers are looked up as ``InstanceN.txt`` in the directory named by the
    ``ROTA_NRP_DATA`` environment variable, or else among the instances shipped
    with the package (:data:`DEFAULT_DATA_DIR`).

    Parameters
    ----------
    instance : str, int or os.PathLike
        ``7``, ``"7"`` or a path such as ``"data/Instance7.txt"``.

    Returns
    -------
    pathlib.Path
        Path of the instance file (not checked for existence).
    """
    text = os.fspath(instance) if not isinstance(instance, int) else str(instance)
    if text.isascii() and text.isdigit() and len(text) <= 6:
        data_dir = Path(os.environ.get("ROTA_NRP_DATA", DEFAULT_DATA_DIR))
        return data_dir / f"Instance{int(text)}.txt"
    return Path(text)
