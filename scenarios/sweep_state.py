"""What a sweep folder holds and who may write it: identity, lock, atomic files, workers.

**Identity.** A sweep's identity is the whole resolved scenario (every key but its
title, source file and sweep grid, which each run records itself) plus a hash of
every file it reads: the bundled parameter files (contracts, rules, on-call,
definitions, scenario defaults) and the workforce's rota files. It is written to
``identity.json`` before the first run and folded into every run id, so an edited
scenario or parameter file never reuses an old run. A folder that holds the results
of another identity is refused (:class:`SweepFolderError`) with the keys that
differ; ``--fresh`` (``fresh=True``) deletes the old results and recomputes.

**Lock.** One sweep at a time writes a folder: ``.sweep.lock`` holds the writer's
pid and host and an exclusive ``flock`` while it runs. The kernel drops the
``flock`` when its owner dies (even by ``kill -9``), so a lock left by a dead sweep
is stale and taken over; a live one is refused (:class:`SweepLockedError`).

**Files.** Every file is written to a temporary name unique to the process
(``.<name>.<pid>.<random>.tmp``) and renamed into place, so a killed sweep leaves
no half-written file that counts; leftover temporary files are removed by the next
sweep that takes the lock.

**Workers.** Pool workers die with their parent: on Linux they ask the kernel for
SIGKILL when the parent dies (``prctl(PR_SET_PDEATHSIG)``), and everywhere a daemon
thread polls ``os.getppid()`` and exits when the parent has gone.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simulator.model import UserError

if TYPE_CHECKING:
    from .scenario import Scenario

#: Lock file of a sweep folder.
LOCK_NAME = ".sweep.lock"
#: Identity record of a sweep folder.
IDENTITY_NAME = "identity.json"
#: Files and folders a sweep writes (deleted by ``fresh``).
OUTPUTS = (
    "runs",
    "errors",
    "manifest.csv",
    "errors.csv",
    "results.parquet",
    "results.csv",
    "summary.csv",
    "scenario.json",
    IDENTITY_NAME,
)
#: Parameter files hashed into the identity, as (package, glob).
PARAMETER_FILES = (
    ("simulator", "definitions.toml"),
    ("simulator.contracts", "params/*.toml"),
    ("simulator.rules", "params/*.toml"),
    ("simulator.oncall", "params.toml"),
    ("scenarios.data", "*.toml"),
)
#: Seconds between a worker's checks that its parent is alive.
PARENT_POLL_S = 0.5
#: Keys named in the message of a refused folder.
MAX_DIFF_KEYS = 6


class SweepFolderError(UserError):
    """The output folder holds the results of a different scenario."""


class SweepLockedError(UserError):
    """Another live sweep is writing the output folder."""


# ---------------------------------------------------------------------------
# Identity
# ---------------------------------------------------------------------------


def _is_pair(item: Any) -> bool:
    return isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)


def _plain(value: Any) -> Any:
    """A scenario value as JSON-ready data (pairs become tables)."""
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        if value and all(_is_pair(p) for p in value):
            return {k: _plain(v) for k, v in value}
        return [_plain(v) for v in value]
    return value


def _flatten(data: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(data, dict) and data:
        for key, value in data.items():
            _flatten(value, f"{prefix}.{key}" if prefix else str(key), out)
    else:
        out[prefix] = data


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _package_dir(package: str) -> Path:
    module = sys.modules.get(package) or __import__(package, fromlist=["_"])
    return Path(module.__file__).parent


def parameter_files() -> dict[str, str]:
    """``{package/relative path: content hash}`` of every bundled parameter file."""
    out = {}
    for package, pattern in PARAMETER_FILES:
        folder = _package_dir(package)
        for path in sorted(folder.glob(pattern)):
            out[f"{package.replace('.', '/')}/{path.relative_to(folder).as_posix()}"] = _file_hash(
                path
            )
    return out


def rota_files(scenario: Scenario) -> dict[str, str]:
    """``{rota file: content hash}`` of the scenario's workforce files."""
    from simulator.examples import department_paths

    from .scenario import DEPARTMENT

    out = {}
    for item in scenario.workforce.rotas:
        paths = department_paths() if item == DEPARTMENT else [Path(item)]
        for path in paths:
            key = f"department/{path.name}" if item == DEPARTMENT else str(path)
            try:
                out[key] = _file_hash(path)
            except OSError as exc:
                raise UserError(f"{path}: cannot read rota file ({exc.strerror})") from None
    return out


def identity_record(scenario: Scenario) -> dict[str, Any]:
    """The scenario's identity as flat ``{dotted key: value}`` (see the module docstring).

    Keys ``file:<name>`` hold the content hash of each file read.
    """
    data = _plain(scenario)
    for key in ("title", "source", "sweep"):
        data.pop(key, None)
    flat: dict[str, Any] = {}
    _flatten(json.loads(json.dumps(data, default=str)), "", flat)
    for name, digest in {**parameter_files(), **rota_files(scenario)}.items():
        flat[f"file:{name}"] = digest
    return flat


def fingerprint(record: Mapping[str, Any]) -> str:
    """Short stable hash of an identity record."""
    text = json.dumps(record, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def scenario_fingerprint(scenario: Scenario) -> str:
    """Fingerprint of the scenario's identity (:func:`identity_record`)."""
    return fingerprint(identity_record(scenario))


def describe_diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """The keys that differ between two identity records, in words."""
    keys = sorted(set(old) | set(new), key=lambda k: (k.startswith("file:"), k))
    parts = []
    for key in keys:
        if old.get(key, "<absent>") == new.get(key, "<absent>"):
            continue
        if key.startswith("file:"):
            parts.append(f"file {key[5:]} changed")
        else:
            was, now = old.get(key, "<absent>"), new.get(key, "<absent>")
            parts.append(f"{key} {json.dumps(was, default=str)} -> {json.dumps(now, default=str)}")
    more = len(parts) - MAX_DIFF_KEYS
    shown = "; ".join(parts[:MAX_DIFF_KEYS]) + (f"; and {more} more" if more > 0 else "")
    return shown or "the identity record"


def check_folder(out: Path, record: Mapping[str, Any], *, fresh: bool) -> None:
    """Refuse ``out`` when it holds results of another identity; clear it when ``fresh``.

    Call with the folder's lock held. Writes ``identity.json`` for this scenario.

    Raises
    ------
    SweepFolderError
        The folder holds another scenario's results (or results without an identity,
        from an older version) and ``fresh`` is false.
    """
    path = out / IDENTITY_NAME
    old = None
    if path.is_file():
        try:
            old = json.loads(path.read_text("utf-8"))["record"]
        except (ValueError, KeyError, TypeError, OSError):
            old = {"<unreadable identity.json>": True}
    has_runs = any((out / "runs").glob("*.parquet")) or any((out / "errors").glob("*.txt"))
    differs = (old is not None and fingerprint(old) != fingerprint(record)) or (
        old is None and has_runs
    )
    if differs and not fresh:
        what = (
            f"differs in: {describe_diff(old, record)}"
            if old is not None
            else "has no identity.json (written by an older version of rota sweep)"
        )
        raise SweepFolderError(
            f"--out {out} holds the results of a different scenario ({what}); "
            f"rerun with --fresh to delete them and recompute into {out}, or choose another --out"
        )
    if fresh:
        clear_outputs(out)
    write_atomic(path, json.dumps({"fingerprint": fingerprint(record), "record": record}, indent=1))


def clear_outputs(out: Path) -> None:
    """Delete every file and folder a sweep writes in ``out`` (nothing else)."""
    for name in OUTPUTS:
        target = out / name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)


# ---------------------------------------------------------------------------
# Atomic files
# ---------------------------------------------------------------------------


def temp_name(path: Path) -> Path:
    """A temporary name beside ``path``, unique to this process and call."""
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def write_with(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(tmp)`` then rename ``tmp`` to ``path`` (the file appears whole or not)."""
    tmp = temp_name(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    write_with(path, lambda tmp: tmp.write_text(text, "utf-8"))


def remove_temp_files(out: Path) -> int:
    """Remove temporary files left by killed sweeps in ``out`` (call with the lock held)."""
    count = 0
    for folder in (out, out / "runs", out / "errors"):
        for tmp in folder.glob(".*.tmp"):
            tmp.unlink(missing_ok=True)
            count += 1
        for tmp in folder.glob("*.parquet.tmp"):  # the name used before unique names
            tmp.unlink(missing_ok=True)
            count += 1
    return count


# ---------------------------------------------------------------------------
# Lock
# ---------------------------------------------------------------------------


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def _refuse(out: Path, owner: Mapping[str, Any]) -> SweepLockedError:
    who = f"pid {owner.get('pid', '?')}"
    if owner.get("host") and owner.get("host") != socket.gethostname():
        who += f" on {owner['host']}"
    return SweepLockedError(
        f"--out {out}: another sweep ({who}) is writing this folder; wait for it to "
        f"finish or choose another --out (the lock is {out / LOCK_NAME})"
    )


@contextlib.contextmanager
def sweep_lock(out: Path) -> Iterator[dict[str, Any]]:
    """Hold the lock of sweep folder ``out`` for the block.

    Yields
    ------
    dict
        ``{"pid", "host", "stale"}``: ``stale`` holds the owner of a lock left by a
        dead sweep that was taken over (else ``None``).

    Raises
    ------
    SweepLockedError
        A live sweep holds the lock.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: the pid alone decides
        fcntl = None
    path = out / LOCK_NAME
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        owner = _owner(path)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            elif owner.get("pid") and _pid_alive(int(owner["pid"])):  # pragma: no cover
                raise BlockingIOError
        except BlockingIOError:
            os.close(fd)
            raise _refuse(out, _owner(path) or owner) from None
        try:  # the file may have been removed and made anew since we opened it
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    stale = owner if owner.get("pid") not in (None, os.getpid()) else None
    info = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}
    os.ftruncate(fd, 0)
    os.write(fd, json.dumps(info).encode())
    try:
        yield {**info, "stale": stale}
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)  # closing drops the flock


# ---------------------------------------------------------------------------
# Workers that die with their parent
# ---------------------------------------------------------------------------

#: ``prctl`` option: signal to receive when the parent dies (linux/prctl.h).
PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:  # pragma: no cover - runs in workers
    """Make this process exit when process ``parent_pid`` (its parent) dies.

    On Linux the kernel sends SIGKILL at the parent's death (``PR_SET_PDEATHSIG``);
    a daemon thread also polls ``os.getppid()`` (every platform, and the moment
    between the fork and the ``prctl`` call).
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(PARENT_POLL_S)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


__all__ = [
    "IDENTITY_NAME",
    "LOCK_NAME",
    "SweepFolderError",
    "SweepLockedError",
    "check_folder",
    "clear_outputs",
    "describe_diff",
    "die_with_parent",
    "fingerprint",
    "identity_record",
    "parameter_files",
    "remove_temp_files",
    "scenario_fingerprint",
    "sweep_lock",
    "temp_name",
    "write_atomic",
    "write_with",
]
