"""``rota serve``: the local web app (check, price and redesign rotas in a browser).

It listens on 127.0.0.1 (this computer only) unless ``--host`` says otherwise,
prints its address and runs until Ctrl-C. The JSON API mirrors the command line:
``POST /api/hours|check|pay|compare`` with the rota file in the form field ``rota``.
"""

from __future__ import annotations

import argparse
import errno
import socket
import sys

#: Default address: this computer only.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def port_number(text: str) -> int:
    """An argparse ``type``: a TCP port, 0 (any free port) to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be 0 to 65535, got {value}")
    return value


def register(sub) -> None:
    """Register the sub-command."""
    parser = sub.add_parser(
        "serve",
        help="the local web app: upload a rota, see breaches and pay, redesign, explore sweeps",
        description=__doc__,
    )
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})"
    )
    parser.add_argument(
        "--port",
        type=port_number,
        default=DEFAULT_PORT,
        help=f"port (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    parser.set_defaults(run=run)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``.

    Raises
    ------
    UserError
        When the address cannot be used (port taken, unknown host, no permission).
    """
    from simulator.model import UserError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise UserError(f"--host {host!r}: unknown address ({exc.strerror})") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        reason = "the port is in use" if exc.errno == errno.EADDRINUSE else exc.strerror
        raise UserError(f"cannot listen on {host}:{port}: {reason} (try --port)") from None
    sock.listen(128)
    sock.setblocking(False)
    return sock


def url_of(sock: socket.socket) -> str:
    """The address a browser opens for a listening socket."""
    host, port = sock.getsockname()[:2]
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def run(args) -> int:
    """Run ``rota serve`` until Ctrl-C."""
    from simulator.model import UserError

    try:
        import uvicorn

        from ..web import create_app
    except ImportError as exc:
        raise UserError(
            f"rota serve needs the web extra ({exc.name} is missing): "
            "pip install 'rota-engine[web]'"
        ) from None
    sock = bind(args.host, args.port)
    config = uvicorn.Config(create_app(), log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    print(f"rota serve: open {url_of(sock)} in a browser (Ctrl-C to stop)", flush=True)
    if args.host not in (DEFAULT_HOST, "localhost", "::1"):
        print(
            f"rota serve: listening on {args.host}: other computers can reach it", file=sys.stderr
        )
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    print("rota serve: stopped", flush=True)
    return 0
