"""The local web app of ``rota serve``: check, price and redesign rotas in a browser.

Pages for rota coordinators (upload a rota or pick a bundled one; redesign with
live progress; explore a sweep's results) and a JSON API that mirrors the command
line (``POST /api/hours|check|pay|compare``). Build the ASGI app with
:func:`create_app`; ``rota serve`` runs it with uvicorn.
"""

from .app import create_app

__all__ = ["create_app"]
