"""Uploaded files: size limit, safe names, and reading them from a temporary folder.

An upload is written only inside a :class:`tempfile.TemporaryDirectory`, under a
sanitised name, read with the same readers as the command line, and deleted with
the folder. Error messages name the file as the user called it (the temporary
folder is cut out), so they read like the command line's run on that file.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

from simulator.io import read_rota
from simulator.model import Rota, UserError

#: Largest request body accepted, bytes (a rota or problem file is a few kB).
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: Longest file name kept, characters.
MAX_NAME_CHARS = 100
#: Extensions of rota files.
ROTA_SUFFIXES = (".toml", ".csv", ".xlsx")
#: Extensions of optimisation problem files.
PROBLEM_SUFFIXES = (".toml", ".xlsx")

T = TypeVar("T")


class UploadTooLarge(UserError):
    """A request body over :data:`MAX_UPLOAD_BYTES`."""

    def __init__(self, size: int | None = None, limit: int = MAX_UPLOAD_BYTES) -> None:
        got = "" if size is None else f" ({size / 1e6:.1f} MB)"
        super().__init__(f"upload too large{got}: the limit is {limit / 1024 / 1024:g} MB")


def safe_name(name: str | None, default: str = "upload") -> str:
    """A file name safe to create: no folders, only ``A-Z a-z 0-9 . _ -``.

    >>> safe_name("../../etc/My rota (v2).toml")
    'My_rota_v2_.toml'
    """
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).lstrip(".")
    base = re.sub(r"_+", "_", base)
    if len(base) > MAX_NAME_CHARS:
        stem, dot, suffix = base.rpartition(".")
        base = (
            stem[: MAX_NAME_CHARS - len(suffix) - 1] + dot + suffix
            if dot
            else base[:MAX_NAME_CHARS]
        )
    return base or default


@asynccontextmanager
async def form_of(request: Request) -> AsyncIterator[FormData]:
    """The request's form, closed (spooled upload files deleted) on leaving.

    Raises
    ------
    UserError
        When the multipart body cannot be parsed.
    """
    try:
        form = await request.form(max_files=4, max_fields=50)
    except HTTPException as exc:
        raise UserError(f"the form could not be read: {exc.detail}") from None
    try:
        yield form
    finally:
        await form.close()


def upload_of(form: Any, field: str) -> Any | None:
    """The file of form field ``field``, or ``None`` when absent or empty.

    Raises
    ------
    UserError
        When the field holds text instead of a file.
    """
    value = form.get(field)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        raise UserError(f"form field {field!r} must be a file upload (multipart/form-data)")
    if not getattr(value, "filename", None) and not value.size:
        return None
    return value


async def save_upload(upload: Any, folder: Path, default: str) -> Path:
    """Write an upload into ``folder`` under its sanitised name; return the path."""
    name = safe_name(upload.filename, default)
    path = folder / name
    if path.exists():
        path = folder / f"{Path(name).stem}-2{Path(name).suffix}"
    data = await upload.read()
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadTooLarge(len(data))
    path.write_bytes(data)
    return path


def check_suffix(path: Path, allowed: tuple[str, ...], what: str) -> None:
    """Raise :class:`UserError` unless ``path`` ends with one of ``allowed``."""
    if path.suffix.lower() not in allowed:
        got = path.suffix or "(none)"
        raise UserError(f"{path.name}: unknown {what} format {got!r}: use {', '.join(allowed)}")


def _relative_message(exc: UserError, folder: Path) -> UserError:
    """The same error with the temporary folder cut out of its message."""
    text = str(exc).replace(f"{folder}/", "").replace(str(folder), "")
    return UserError(text) if text != str(exc) else exc


async def read_uploaded(
    form: Any,
    field: str,
    reader: Callable[[Path, Path | None], T],
    *,
    allowed: tuple[str, ...],
    what: str,
    companion: str | None = None,
) -> T:
    """Save the upload of ``field`` (and of ``companion``) in a temporary folder and read it.

    Parameters
    ----------
    form
        The parsed multipart form.
    field
        Form field of the main file.
    reader
        ``reader(path, companion_path)`` reads the saved file(s).
    allowed
        Accepted extensions of the main file.
    what
        What the file is (``rota``, ``problem``), for messages.
    companion
        Optional second file field (``shifts`` of a CSV grid).

    Raises
    ------
    UserError
        No file, a bad extension, or the reader's one-line message.
    """
    upload = upload_of(form, field)
    if upload is None:
        raise UserError(f"no {what} file: upload one in the form field {field!r}")
    extra = upload_of(form, companion) if companion else None
    with tempfile.TemporaryDirectory(prefix="rota-serve-") as tmp:
        folder = Path(tmp)
        path = await save_upload(upload, folder, f"{what}")
        check_suffix(path, allowed, what)
        extra_path = await save_upload(extra, folder, "shifts.toml") if extra else None
        try:
            return await run_in_threadpool(reader, path, extra_path)
        except UserError as exc:
            raise _relative_message(exc, folder) from None


async def read_uploaded_rota(form: Any) -> Rota:
    """The rota of form field ``rota`` (with ``shifts`` for a CSV grid)."""

    def reader(path: Path, shifts: Path | None) -> Rota:
        return replace(read_rota(path, shifts=shifts), source=path.name)

    return await read_uploaded(
        form, "rota", reader, allowed=ROTA_SUFFIXES, what="rota", companion="shifts"
    )
