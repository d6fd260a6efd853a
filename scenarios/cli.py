"""The ``rota`` command line: one sub-command per module in :mod:`scenarios.commands`."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from simulator.model import UserError

from .commands import command_modules


class _Parser(argparse.ArgumentParser):
    """Argument parser whose usage errors are one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The ``rota`` parser with every registered sub-command."""
    parser = _Parser(
        prog="rota",
        description="Measure, check, price, simulate and optimise resident doctors' rotas "
        "under the 2002, Wales 2026 and England 2016 contracts.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
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
    try:
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
