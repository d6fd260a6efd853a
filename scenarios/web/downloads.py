"""Rota files to download: Excel workbook, TOML or CSV grid of a rota in memory."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.responses import Response

from simulator.io import rota_to_toml, write_rota
from simulator.model import Rota

#: Media types of the download formats.
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "toml": "application/toml; charset=utf-8",
}


def rota_bytes(rota: Rota, suffix: str) -> bytes:
    """``rota`` as the bytes of a ``.xlsx`` or ``.toml`` file (written by
    :func:`simulator.io.write_rota` in a temporary folder)."""
    if suffix == "toml":
        return rota_to_toml(rota).encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="rota-serve-") as tmp:
        path = Path(tmp) / f"rota.{suffix}"
        write_rota(rota, path)
        return path.read_bytes()


def file_stem(name: str) -> str:
    """A download file name stem from a display name: ``'Medicine F1 redesign'`` →
    ``'medicine_f1_redesign'``."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:80] or "rota"


def rota_response(rota: Rota, suffix: str, stem: str) -> Response:
    """An attachment response holding ``rota`` as ``<stem>.<suffix>``.

    Raises
    ------
    HTTPException
        404 for a format other than ``xlsx`` or ``toml``.
    """
    if suffix not in MEDIA_TYPES:
        raise HTTPException(404, f"no download .{suffix}: use .xlsx or .toml")
    headers = {"Content-Disposition": f'attachment; filename="{file_stem(stem)}.{suffix}"'}
    return Response(rota_bytes(rota, suffix), media_type=MEDIA_TYPES[suffix], headers=headers)
