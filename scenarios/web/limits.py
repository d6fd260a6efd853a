"""ASGI middleware that refuses request bodies over a size limit with HTTP 413."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from .uploads import MAX_UPLOAD_BYTES, UploadTooLarge

#: Largest request body: the upload limit plus room for the form's other fields, bytes.
MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 64 * 1024

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _declared_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimit:
    """Read at most ``limit`` bytes of a request body; answer 413 beyond.

    A body whose ``Content-Length`` is over the limit is refused before it is read;
    a body without one is read up to the limit and then replayed to the app. API
    paths (``/api/…``) get ``{"error": …}``; pages get a short HTML page.

    Parameters
    ----------
    app
        The wrapped ASGI app.
    limit
        Largest body accepted, bytes.
    """

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > self.limit:
            await self._refuse(scope, send, declared)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, send, None)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, send: Send, size: int | None) -> None:
        message = str(UploadTooLarge(size))
        if scope.get("path", "").startswith("/api/"):
            body = json.dumps({"error": message}).encode()
            kind = b"application/json"
        else:
            body = (
                "<!doctype html><meta charset='utf-8'><title>Upload too large</title>"
                f"<p>{message}. <a href='/'>Back to the start page</a></p>"
            ).encode()
            kind = b"text/html; charset=utf-8"
        headers = [
            (b"content-type", kind),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
