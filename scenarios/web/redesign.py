"""Redesign pages: run ``rota optimise`` on a problem with live progress, show the
result and offer the rota found as ``.xlsx`` and ``.toml``."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from optimizer.problem import OBJECTIVES, Problem, read_problem
from simulator.examples import example_path
from simulator.model import UserError

from ..commands.optimise import STAGE_TITLES
from .downloads import file_stem, rota_response
from .jobs import Job
from .rota_view import build_grid
from .templating import render
from .uploads import PROBLEM_SUFFIXES, form_of, read_uploaded, safe_name, upload_of

#: Folder of the bundled problems, inside ``simulator.examples``.
PROBLEMS = "department/problems"
#: Search time offered by default and the longest allowed, seconds.
DEFAULT_TIME_LIMIT_S = 30.0
MAX_TIME_LIMIT_S = 600.0
#: Plain words for the solver's status of a rota found.
STATUS_TITLES = {"optimal": "proved best", "feasible": "best found in the time"}
#: Plain names of the objectives.
OBJECTIVE_TITLES = {
    "pay-loss": "least pay lost against the 2002 reference",
    "cost": "lowest pay bill",
    "headcount": "fewest doctors",
    "fairness": "fairest spread of nights, weekends and unsocial hours",
    "repair": "fewest changes to the current rota",
}


@dataclass(frozen=True, slots=True)
class BundledProblem:
    """A bundled problem file, described for the form."""

    file: str
    name: str
    about: str


def _about(path: Path) -> str:
    """The comment block at the top of a TOML problem file, as one paragraph."""
    if path.suffix != ".toml":
        return "The F1 medicine redesign as an Excel workbook (one sheet per table)."
    lines = []
    for line in path.read_text("utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("# ").strip())
    return " ".join(lines)


@lru_cache(maxsize=1)
def bundled_problems() -> tuple[BundledProblem, ...]:
    """The bundled problems (TOML and XLSX), in name order."""
    folder = example_path(PROBLEMS)
    out = []
    for path in sorted(folder.iterdir()):
        if path.suffix not in PROBLEM_SUFFIXES:
            continue
        if path.suffix == ".toml":
            name = tomllib.loads(path.read_text("utf-8")).get("name", path.stem)
        else:
            name = path.stem.replace("_", " ")
        out.append(BundledProblem(path.name, str(name), _about(path)))
    return tuple(out)


def _form_context() -> dict:
    return {
        "problems": bundled_problems(),
        "objectives": OBJECTIVES,
        "objective_titles": OBJECTIVE_TITLES,
        "default_time_limit": DEFAULT_TIME_LIMIT_S,
        "max_time_limit": MAX_TIME_LIMIT_S,
        "page": "redesign",
    }


async def redesign_form(request: Request) -> Response:
    """``GET /redesign``: choose a problem, objective and time limit."""
    return render(request, "redesign_form.html", _form_context())


def _number(text: object, name: str, lo: float, hi: float) -> float:
    try:
        value = float(str(text).strip())
    except ValueError:
        raise UserError(f"{name} must be a number, got {text!r}") from None
    if not math.isfinite(value) or not lo <= value <= hi:
        raise UserError(f"{name} must be between {lo:g} and {hi:g}, got {value:g}")
    return value


async def _problem_of(form) -> tuple[Problem, str]:
    """The problem chosen on the form: an upload, else a bundled file; and its name."""
    upload = upload_of(form, "problem_file")
    if upload is not None:

        def reader(path: Path, _: Path | None) -> Problem:
            return read_problem(path)

        problem = await read_uploaded(
            form, "problem_file", reader, allowed=PROBLEM_SUFFIXES, what="problem"
        )
        return problem, safe_name(upload.filename, "problem")
    file = str(form.get("bundled") or "")
    if file not in {p.file for p in bundled_problems()}:
        raise UserError("choose a bundled problem or upload a problem file (.toml or .xlsx)")
    problem = await run_in_threadpool(read_problem, example_path(f"{PROBLEMS}/{file}"))
    return problem, file


async def redesign_start(request: Request) -> Response:
    """``POST /redesign``: start a search and go to its progress page."""
    try:
        async with form_of(request) as form:
            problem, source = await _problem_of(form)
            fields = {k: form.get(k) for k in ("objective", "time_limit", "seed")}
        objective = str(fields["objective"] or "") or None
        if objective is not None and objective not in OBJECTIVES:
            choices = ", ".join(OBJECTIVES)
            raise UserError(f"unknown objective {objective!r}: expected one of {choices}")
        time_limit = _number(
            fields["time_limit"] or DEFAULT_TIME_LIMIT_S, "time limit", 1, MAX_TIME_LIMIT_S
        )
        seed = int(_number(fields["seed"] or 0, "seed", 0, 2**31 - 1))
    except UserError as exc:
        return render(request, "redesign_form.html", {**_form_context(), "error": str(exc)}, 400)
    job = request.app.state.jobs.submit(
        problem, objective=objective, time_limit_s=time_limit, seed=seed, source=source
    )
    return RedirectResponse(f"/redesign/{job.id}", status_code=303)


def _job(request: Request) -> Job:
    job = request.app.state.jobs.get(request.path_params["job"])
    if job is None:
        raise HTTPException(404, "no such search: the server keeps the latest 20 searches")
    return job


def result_context(job: Job) -> dict:
    """The result part of the job page: summary, per-doctor table and the rota's grid."""
    result = job.result
    if result is None:
        return {}
    out: dict = {"result": result, "summary": result.summary() if result.doctors else None}
    if result.rota is not None:
        out["grid"] = build_grid(result.rota, result.check)
    if result.status == "infeasible":
        out["message"] = result.conflict.message if result.conflict else "infeasible"
    elif result.rota is None:
        out["message"] = f"no rota found within {job.time_limit_s:g} s: give the search more time"
    return out


async def job_page(request: Request) -> Response:
    """``GET /redesign/{job}``: progress while the search runs, then its result."""
    job = _job(request)
    context = {
        "job": job,
        "objective_titles": OBJECTIVE_TITLES,
        "stage_titles": STAGE_TITLES,
        "status_titles": STATUS_TITLES,
        "page": "redesign",
    }
    if job.state == "done":
        context.update(await run_in_threadpool(result_context, job))
    return render(request, "redesign_job.html", context)


async def job_status(request: Request) -> JSONResponse:
    """``GET /redesign/{job}/status``: the job's progress as JSON (polled by the page)."""
    return JSONResponse(_job(request).status())


async def download(request: Request) -> Response:
    """``GET /redesign/{job}/rota.xlsx|rota.toml``: the rota found."""
    job = _job(request)
    if job.result is None or job.result.rota is None:
        raise HTTPException(409, "this search found no rota to download")
    rota, suffix = job.result.rota, request.path_params["suffix"]
    return await run_in_threadpool(rota_response, rota, suffix, job.problem.name)


async def open_in_checker(request: Request) -> Response:
    """``GET /redesign/{job}/check``: the rota found, on the results page."""
    job = _job(request)
    if job.result is None or job.result.rota is None:
        raise HTTPException(409, "this search found no rota")
    token = request.app.state.rotas.add(job.result.rota, f"{file_stem(job.problem.name)}.toml")
    query = urlencode({"rules": job.problem.rules, "pay_year": job.problem.pay_year})
    return RedirectResponse(f"/rota/{token}?{query}", 303)


def routes() -> list[Route]:
    """The redesign routes."""
    return [
        Route("/redesign", redesign_form),
        Route("/redesign", redesign_start, methods=["POST"]),
        Route("/redesign/{job}", job_page),
        Route("/redesign/{job}/status", job_status),
        Route("/redesign/{job}/rota.{suffix}", download),
        Route("/redesign/{job}/check", open_in_checker),
    ]
