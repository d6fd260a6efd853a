"""Sub-commands of ``rota``: each module has ``register(subparsers)``."""

#: Modules of :mod:`scenarios.commands`, in help order.
COMMAND_MODULES = ("demo", "hours")
