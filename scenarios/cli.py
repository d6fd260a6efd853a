"""The ``rota`` command line: one sub-command per module in :mod:`scenarios.commands`.

Building the parser imports only the sub-commands' registrations; each command
imports NumPy, pandas, Numba, OR-Tools or matplotlib when it runs, so ``rota
--help`` answers at once.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Sequence

from .commands import command_modules

#: Distribution whose version ``rota --version`` prints.
DISTRIBUTION = "rota-engine"

_ROLE = re.compile(r":[a-z]+(?::[a-z]+)?:`~?([^`<]*?)(?:\s*<[^>]*>)?`")
_LITERAL = re.compile(r"``(.+?)``", re.DOTALL)


def plain(text: str | None) -> str | None:
    """reStructuredText markup of a docstring made plain for the terminal.

    ``:func:`x```, ``:class:`~a.b``` and ``:data:`title <target>``` become ``x``,
    ``b``, ``title``; double back-quoted literals lose their quotes.

    Examples
    --------
    >>> plain("``rota hours ROTA``: see :func:`~simulator.metrics.compute_metrics`")
    'rota hours ROTA: see compute_metrics'
    """
    if text is None:
        return None

    def role(match: re.Match[str]) -> str:
        target = match.group(1).strip()
        return target.rsplit(".", 1)[-1] if match.group(0).count("~") else target

    return _LITERAL.sub(r"\1", _ROLE.sub(role, text))


class _Parser(argparse.ArgumentParser):
    """Argument parser whose usage errors are one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


class _PlainSubParsers(argparse._SubParsersAction):
    """Sub-parsers whose help and description are plain text (see :func:`plain`)."""

    def add_parser(self, name: str, **kwargs):
        for key in ("help", "description", "epilog"):
            if kwargs.get(key):
                kwargs[key] = plain(kwargs[key])
        return super().add_parser(name, **kwargs)


def version() -> str:
    """The installed version of :data:`DISTRIBUTION` ("unknown" when not installed)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version(DISTRIBUTION)
    except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        return "unknown"


class _VersionAction(argparse.Action):
    """``--version``: look the version up only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        print(f"{parser.prog} {version()}")
        parser.exit(0)


def build_parser() -> argparse.ArgumentParser:
    """The ``rota`` parser with every registered sub-command."""
    parser = _Parser(
        prog="rota",
        description="Measure, check, price, simulate and optimise resident doctors' rotas "
        "under the 2002, Wales 2026 and England 2016 contracts.",
    )
    parser.add_argument("--version", action=_VersionAction, help="print the version and exit")
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser, action=_PlainSubParsers
    )
    sub.required = True
    for name in command_modules():
        importlib.import_module(f"scenarios.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    0 success, 1 violations found (``rota check``), 2 bad input, 3 infeasible
    optimisation problem.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    from simulator.model import UserError

    from .output import announce_kernel_compiles

    try:
        announce_kernel_compiles()
        return int(args.run(args) or 0)
    except UserError as exc:
        print(f"rota: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rota: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
