"""The ASGI app of ``rota serve``: pages, the JSON API, static files and error pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from . import api, pages, redesign
from .jobs import JobRunner
from .limits import BodyLimit
from .store import RotaStore
from .templating import STATIC, make_templates, render

#: Browsers may keep static files this long, seconds.
STATIC_MAX_AGE_S = 3600


def plotly_js_path() -> Path:
    """``plotly.min.js`` as shipped inside the ``plotly`` Python package."""
    import plotly

    return Path(plotly.__file__).with_name("package_data") / "plotly.min.js"


async def plotly_js(request: Request) -> Response:
    """``GET /static/plotly.min.js``: the chart library, from the installed package."""
    return FileResponse(
        plotly_js_path(),
        media_type="text/javascript",
        headers={"Cache-Control": f"max-age={STATIC_MAX_AGE_S}"},
    )


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path.endswith("/status")


async def http_error(request: Request, exc: Exception) -> Response:
    """404, 405, 409 …: ``{"error": …}`` for the API, an error page otherwise."""
    assert isinstance(exc, HTTPException)
    if _wants_json(request):
        return api.error_response(str(exc.detail), exc.status_code)
    context = {"error": str(exc.detail), "status": exc.status_code}
    return render(request, "message.html", context, exc.status_code)


async def server_error(request: Request, exc: Exception) -> Response:
    """Any other exception: HTTP 500 with a one-line message; the server keeps serving
    (and logs the traceback on its stderr)."""
    message = " ".join(f"internal error: {type(exc).__name__}: {exc}".split())
    if _wants_json(request):
        return api.error_response(message, 500)
    try:
        return render(request, "message.html", {"error": message, "status": 500}, 500)
    except Exception:  # noqa: BLE001 - the error page itself failed: plain text
        return JSONResponse({"error": message}, status_code=500)


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    """On shutdown, end a running search so that the server stops at once."""
    yield
    await run_in_threadpool(app.state.jobs.shutdown)


def create_app() -> Starlette:
    """The web app: pages, JSON API, static files; rotas and searches kept in memory."""
    routes = [
        *pages.routes(),
        *redesign.routes(),
        *api.routes(),
        Route("/static/plotly.min.js", plotly_js),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(BodyLimit)],
        exception_handlers={HTTPException: http_error, Exception: server_error},
        lifespan=lifespan,
    )
    app.state.templates = make_templates()
    app.state.rotas = RotaStore()
    app.state.jobs = JobRunner()
    return app
