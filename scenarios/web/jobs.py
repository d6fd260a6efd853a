"""Optimisation jobs of the web app: ``rota optimise`` in a background process.

A job runs :func:`optimizer.solve.solve` in a child process (in a session of its
own, so a Ctrl-C on the server's terminal does not reach the solver) with a
progress callback that sends each stage and improvement back through a queue; a
daemon thread of the server records them and the page polls :meth:`Job.status` as
JSON. One job solves at a time (the search uses the machine's cores); later ones
wait in turn. Stopping the server ends a running search at once
(:meth:`JobRunner.shutdown`).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import secrets
import sys
import threading
import time
import traceback
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from optimizer.problem import Problem
from optimizer.search import ProgressEvent
from optimizer.solve import OptimiseResult, solve
from simulator.model import UserError

from ..commands.optimise import STAGE_TITLES

#: Jobs kept in memory (the oldest finished ones go first).
MAX_JOBS = 20
#: CP-SAT workers of a search (the machine's cores are shared with the web server).
WORKERS = 2
#: Seconds between checks of a search process that sends nothing.
POLL_S = 0.25


def search_process(
    problem: Problem, objective: str | None, time_limit_s: float, seed: int, out: Any
) -> None:
    """Child process: solve and send ``("progress", event)``, then ``("result", result)``
    or ``("error", message)`` through the queue ``out``."""
    if hasattr(os, "setsid"):
        os.setsid()  # leave the terminal's process group: Ctrl-C goes to the server only
    try:
        result = solve(
            problem,
            objective,
            time_limit_s=time_limit_s,
            seed=seed,
            workers=WORKERS,
            progress=lambda event: out.put(("progress", event)),
        )
        out.put(("result", result))
    except UserError as exc:
        out.put(("error", str(exc)))
    except Exception as exc:  # noqa: BLE001 - reported on the page, server keeps serving
        traceback.print_exc(file=sys.stderr)
        out.put(("error", " ".join(f"internal error: {type(exc).__name__}: {exc}".split())))


@dataclass(slots=True)
class StageProgress:
    """What is known of one stage of the search."""

    name: str
    title: str
    started_s: float
    value: float | None = None
    bound: float | None = None
    unit: str = ""
    solutions: int = 0

    def to_json(self) -> dict:
        """JSON-ready mapping."""
        return {
            "name": self.name,
            "title": self.title,
            "started_s": round(self.started_s, 2),
            "value": self.value,
            "bound": self.bound,
            "unit": self.unit,
            "solutions": self.solutions,
        }


@dataclass(slots=True)
class Job:
    """One optimisation run and what it has reported so far."""

    id: str
    problem: Problem
    objective: str | None
    time_limit_s: float
    seed: int
    source: str
    state: str = "queued"
    started: float | None = None
    finished: float | None = None
    stages: list[StageProgress] = field(default_factory=list)
    neighbourhood: bool = False
    result: OptimiseResult | None = None
    error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def progress(self, event: ProgressEvent) -> None:
        """The search's progress callback (called from the solver's thread)."""
        with self.lock:
            if event.event == "start" or not self.stages:
                title = STAGE_TITLES.get(event.stage, event.stage.replace("_", " "))
                self.stages.append(StageProgress(event.stage, title, event.seconds))
            stage = self.stages[-1]
            if event.event == "lns":
                self.neighbourhood = True
            elif event.event == "solution":
                stage.solutions += 1
                stage.value, stage.bound, stage.unit = event.value, event.bound, event.unit

    @property
    def elapsed_s(self) -> float:
        """Seconds since the search started (0 while queued)."""
        if self.started is None:
            return 0.0
        return (self.finished or time.monotonic()) - self.started

    def status(self) -> dict:
        """The JSON the progress page polls."""
        with self.lock:
            stages = [s.to_json() for s in self.stages]
        return {
            "id": self.id,
            "state": self.state,
            "problem": self.problem.name,
            "elapsed_s": round(self.elapsed_s, 1),
            "time_limit_s": self.time_limit_s,
            "stages": stages,
            "neighbourhood": self.neighbourhood,
            "error": self.error,
        }

    def run(self, gate: threading.Lock, stopping: threading.Event) -> None:
        """Wait for the gate, then solve in a child process; never raises."""
        with gate:
            if stopping.is_set():
                self.error, self.state = "the server stopped before the search started", "failed"
                return
            self.started = time.monotonic()
            self.state = "running"
            try:
                self._follow(stopping)
            except Exception as exc:  # noqa: BLE001 - reported on the page
                traceback.print_exc(file=sys.stderr)
                self.error = " ".join(f"internal error: {type(exc).__name__}: {exc}".split())
            finally:
                self.finished = time.monotonic()
                self.state = "done" if self.result is not None else "failed"

    def _follow(self, stopping: threading.Event) -> None:
        """Start the search process and record what it sends until it ends."""
        context = multiprocessing.get_context("spawn")
        messages = context.Queue()
        args = (self.problem, self.objective, self.time_limit_s, self.seed, messages)
        process = context.Process(target=search_process, args=args, daemon=True)
        process.start()
        try:
            while self.result is None and self.error is None:
                if stopping.is_set():
                    self.error = "the server stopped during the search"
                    break
                try:
                    kind, payload = messages.get(timeout=POLL_S)
                except queue.Empty:
                    if not process.is_alive():
                        self.error = f"the search process stopped (exit code {process.exitcode})"
                    continue
                if kind == "progress":
                    self.progress(payload)
                elif kind == "result":
                    self.result = payload
                else:
                    self.error = payload
        finally:
            if process.is_alive():
                process.terminate()
            process.join(5)
            messages.close()


class JobRunner:
    """Starts jobs in daemon threads, one search at a time, and keeps the latest ones."""

    def __init__(self, capacity: int = MAX_JOBS) -> None:
        self.capacity = capacity
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._gate = threading.Lock()
        self._stopping = threading.Event()

    def submit(
        self,
        problem: Problem,
        *,
        objective: str | None,
        time_limit_s: float,
        seed: int,
        source: str,
    ) -> Job:
        """Queue a search of ``problem`` and return its job."""
        job = Job(secrets.token_urlsafe(9), problem, objective, time_limit_s, seed, source)
        with self._lock:
            self._jobs[job.id] = job
            finished = [k for k, j in self._jobs.items() if j.state in ("done", "failed")]
            while len(self._jobs) > self.capacity and finished:
                self._jobs.pop(finished.pop(0))
        thread = threading.Thread(
            target=job.run,
            args=(self._gate, self._stopping),
            name=f"rota-job-{job.id}",
            daemon=True,
        )
        thread.start()
        return job

    def get(self, job_id: str) -> Job | None:
        """The job of ``job_id``, or ``None``."""
        with self._lock:
            return self._jobs.get(job_id)

    def shutdown(self, wait_s: float = 10.0) -> None:
        """End the running search (its process is terminated) and refuse queued ones."""
        self._stopping.set()
        with self._lock:
            jobs = list(self._jobs.values())
        deadline = time.monotonic() + wait_s
        for job in jobs:
            while job.state in ("queued", "running") and time.monotonic() < deadline:
                time.sleep(0.05)
