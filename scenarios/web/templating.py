"""Jinja2 templates of the web pages and the helper that renders them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from .formatting import FILTERS

#: Folder of the page templates.
TEMPLATES = Path(__file__).with_name("templates")
#: Folder of the style sheet and scripts.
STATIC = Path(__file__).with_name("static")


def make_templates() -> Jinja2Templates:
    """The template set, with the number filters and undefined names as errors."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return Jinja2Templates(env=env)


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """Render template ``name`` with ``context`` (``page`` and ``error`` default to None)."""
    values = {"page": None, "error": None, **(context or {})}
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, values, status_code=status)
