"""Pages of the web app: start page, a rota's results page, the sweep explorer.

The results page shows one rota as a grid with the rules engine's violations on the
cells where they happen, its per-line metrics (``rota hours``), and the 2002 band
and pay beside 2026 pay with winners, losers and protection cost
(``rota compare``). It is computed by the same functions as those commands.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from simulator.contracts import PAY_YEARS, load_all_params
from simulator.examples import department_paths
from simulator.io import read_rota
from simulator.model import Rota, UserError, day_label
from simulator.rules import RULESETS, load_ruleset

from .concurrency import kernel_lock
from .downloads import rota_response
from .reports import DEFAULT_PAY_YEAR, check_result, compare_json, hours_json
from .rota_view import build_grid
from .store import StoredRota
from .sweep_explorer import (
    by_year_figure,
    find_sweep_folders,
    line_change_figure,
    load_sweep,
    measure_title,
    select,
    summary_table,
    vs_param_figure,
)
from .templating import render
from .uploads import form_of, read_uploaded_rota

#: Rule set shown first.
DEFAULT_RULES = "wales-2026"
#: Plain names of the rule sets.
RULESET_TITLES = {
    "wales-2026": "Wales 2026 safe rostering",
    "england-2016": "England 2016 safe working",
    "new-deal": "New Deal (2002 contract)",
    "wtr": "Working Time Regulations",
}


@dataclass(frozen=True, slots=True)
class Example:
    """A bundled example rota, for the start page."""

    file: str
    name: str
    weeks: int
    lines: int
    grades: str


@lru_cache(maxsize=1)
def bundled_rotas() -> dict[str, Rota]:
    """The bundled department's rotas by file name."""
    return {p.name: read_rota(p) for p in department_paths()}


def examples() -> list[Example]:
    """The bundled rotas, described for the start page."""
    out = []
    for file, rota in bundled_rotas().items():
        grades = ", ".join(sorted({line.grade for line in rota.lines}))
        out.append(Example(file, rota.name, rota.weeks, len(rota.lines), grades))
    return out


def _options(request: Request) -> tuple[str, str]:
    rules = request.query_params.get("rules", DEFAULT_RULES)
    pay_year = request.query_params.get("pay_year", DEFAULT_PAY_YEAR)
    if rules not in RULESETS:
        raise UserError(f"unknown rule set {rules!r}: expected one of {', '.join(RULESETS)}")
    if pay_year not in PAY_YEARS:
        raise UserError(f"unknown pay year {pay_year!r}: expected one of {', '.join(PAY_YEARS)}")
    return rules, pay_year


def rota_context(rota: Rota, rules: str, pay_year: str) -> dict:
    """Everything the results page shows of ``rota`` (computed off the event loop)."""
    with kernel_lock():
        result = check_result(rota, load_ruleset(rules))
        hours = hours_json(rota)
        pay = compare_json(rota, pay_year, load_all_params(pay_year))
    grid = build_grid(rota, result)
    violations = [
        {
            "line": v.line,
            "rule": v.rule,
            "where": day_label(v.day) + (f" {v.clock}" if v.clock else ""),
            "day": v.day,
            "measured": v.measured,
            "limit": v.limit,
            "unit": v.unit,
            "message": v.message,
        }
        for v in result.violations
    ]
    compliant = int(result.compliant.sum())
    return {
        "rota": rota,
        "grid": grid,
        "violations": violations,
        "compliant_lines": compliant,
        "hours": hours,
        "compare": pay,
        "rules": rules,
        "pay_year": pay_year,
    }


async def rota_page(
    request: Request, rota: Rota, filename: str, *, bundled: bool = False
) -> HTMLResponse:
    """The results page of one rota, with the options of the query string."""
    context = {
        "filename": filename,
        "bundled": bundled,
        "rulesets": RULESETS,
        "ruleset_titles": RULESET_TITLES,
        "pay_years": PAY_YEARS,
        "page": "rota",
    }
    try:
        rules, pay_year = _options(request)
        context.update(await run_in_threadpool(rota_context, rota, rules, pay_year))
    except UserError as exc:
        return render(request, "message.html", {**context, "error": str(exc)}, 400)
    return render(request, "rota.html", context)


async def home(request: Request) -> HTMLResponse:
    """``GET /``: upload a rota or pick a bundled one."""
    return render(request, "home.html", home_context())


def home_context() -> dict:
    """The start page's choices."""
    return {
        "examples": examples(),
        "rulesets": RULESETS,
        "ruleset_titles": RULESET_TITLES,
        "pay_years": PAY_YEARS,
        "default_rules": DEFAULT_RULES,
        "default_pay_year": DEFAULT_PAY_YEAR,
        "page": "home",
    }


async def upload(request: Request) -> Response:
    """``POST /upload``: read the rota, keep it in memory and show its results page."""
    try:
        async with form_of(request) as form:
            rota = await read_uploaded_rota(form)
            rules = str(form.get("rules") or DEFAULT_RULES)
            pay_year = str(form.get("pay_year") or DEFAULT_PAY_YEAR)
    except UserError as exc:
        return render(request, "home.html", {**home_context(), "error": str(exc)}, 400)
    token = request.app.state.rotas.add(rota, rota.source)
    query = urlencode({"rules": rules, "pay_year": pay_year})
    return RedirectResponse(f"/rota/{token}?{query}", status_code=303)


async def example(request: Request) -> HTMLResponse:
    """``GET /example/{file}``: the results page of a bundled rota."""
    rota = _bundled(request)
    return await rota_page(request, rota, request.path_params["file"], bundled=True)


def _stored(request: Request) -> StoredRota:
    item = request.app.state.rotas.get(request.path_params["token"])
    if item is None:
        raise HTTPException(
            404, "this rota is no longer kept by the server (did it restart?): upload it again"
        )
    return item


def _bundled(request: Request) -> Rota:
    file = request.path_params["file"]
    rota = bundled_rotas().get(file)
    if rota is None:
        raise HTTPException(404, f"no bundled rota {file!r}")
    return rota


async def uploaded(request: Request) -> HTMLResponse:
    """``GET /rota/{token}``: the results page of an uploaded (or redesigned) rota."""
    item = _stored(request)
    return await rota_page(request, item.rota, item.filename)


async def download(request: Request) -> Response:
    """``GET /rota/{token}/rota.xlsx|toml`` and ``GET /example/{file}/rota.xlsx|toml``."""
    if "token" in request.path_params:
        item = _stored(request)
        rota, stem = item.rota, item.filename.rsplit(".", 1)[0]
    else:
        rota = _bundled(request)
        stem = request.path_params["file"].rsplit(".", 1)[0]
    return await run_in_threadpool(rota_response, rota, request.path_params["suffix"], stem)


def sweep_context(query: dict) -> dict:
    """The sweep explorer's tables and figures for the query's folder and filters."""
    folder = str(query.get("folder") or "").strip()
    context: dict = {"folder": folder, "sweep": None, "page": "sweep", "found": []}
    if not folder:
        cwd = Path.cwd()
        context["found"] = [(str(p.relative_to(cwd)), str(p)) for p in find_sweep_folders(cwd)]
        context["root"] = str(cwd)
        return context
    sweep = load_sweep(folder)
    sel = select(sweep, query)
    headers, rows = summary_table(sweep)
    figures = {
        "by_year": by_year_figure(sweep, sel),
        "vs_param": vs_param_figure(sweep, sel),
        "line_change": line_change_figure(sweep, sel),
    }
    context.update(
        sweep=sweep,
        sel=sel,
        measures=[(m, measure_title(m)) for m in sweep.measures()],
        figures={k: v for k, v in figures.items() if v is not None},
        summary_headers=headers,
        summary_rows=rows,
        runs=int(sweep.results["run_id"].nunique()),
    )
    return context


async def sweep(request: Request) -> HTMLResponse:
    """``GET /sweep?folder=…``: charts and tables of a sweep's results folder."""
    query = dict(request.query_params)
    try:
        context = await run_in_threadpool(sweep_context, query)
    except UserError as exc:
        context = {"folder": query.get("folder", ""), "sweep": None, "page": "sweep", "found": []}
        return render(request, "sweep.html", {**context, "error": str(exc)}, 400)
    return render(request, "sweep.html", context)


def routes() -> list[Route]:
    """The page routes."""
    return [
        Route("/", home),
        Route("/upload", upload, methods=["POST"]),
        Route("/example/{file}", example),
        Route("/rota/{token}", uploaded),
        Route("/example/{file}/rota.{suffix}", download),
        Route("/rota/{token}/rota.{suffix}", download),
        Route("/sweep", sweep),
    ]
