"""The JSON API: ``POST /api/hours|check|pay|compare``, mirroring the command line.

A request is ``multipart/form-data`` with the rota file in the field ``rota`` (TOML,
CSV with its shift definitions in ``shifts``, or XLSX) and the command's options as
fields: ``rules`` (check), ``contract`` (pay), ``pay_year`` (pay, compare), ``set``
(repeatable ``KEY=VALUE``) and ``explain`` (pay). The answer is the JSON that
``rota <command> --format json`` prints; bad input gives HTTP 400 with
``{"error": "<the command line's one-line message>"}``.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from simulator.model import Rota, UserError

from .concurrency import kernel_lock
from .reports import COMMANDS, Options, prepare
from .uploads import form_of, read_uploaded_rota


def guarded(compute: Callable[[Rota], dict], rota: Rota) -> dict:
    """``compute(rota)`` under the kernel lock (see :mod:`.concurrency`)."""
    with kernel_lock():
        return compute(rota)


def error_response(message: str, status: int = 400) -> JSONResponse:
    """``{"error": message}`` with HTTP ``status``; the message is kept to one line."""
    return JSONResponse({"error": " ".join(str(message).split())}, status_code=status)


async def command_endpoint(request: Request) -> JSONResponse:
    """``POST /api/{command}``: the command's JSON for the uploaded rota."""
    command = request.path_params["command"]
    if command not in COMMANDS:
        return error_response(
            f"unknown command {command!r}: expected one of {', '.join(COMMANDS)}", 404
        )
    try:
        async with form_of(request) as form:
            options = Options.from_form(form.get, form.getlist)
            compute = await run_in_threadpool(prepare, command, options)
            rota = await read_uploaded_rota(form)
        body = await run_in_threadpool(guarded, compute, rota)
    except UserError as exc:
        return error_response(str(exc))
    return JSONResponse(body)


def routes() -> list[Route]:
    """The API's routes."""
    return [Route("/api/{command}", command_endpoint, methods=["POST"])]
