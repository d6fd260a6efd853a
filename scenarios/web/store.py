"""In-memory store of uploaded rotas, so that a results page can be re-run with
other options (rule set, pay year) without uploading again.

Nothing is written to disk; the oldest entries go once the store is full, and
everything goes when the server stops.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass

from simulator.model import Rota

#: Rotas kept at once.
MAX_ROTAS = 100


@dataclass(frozen=True, slots=True)
class StoredRota:
    """A rota and the name of the file it came from."""

    rota: Rota
    filename: str


class RotaStore:
    """A bounded, thread-safe map from random tokens to rotas."""

    def __init__(self, capacity: int = MAX_ROTAS) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, StoredRota] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, rota: Rota, filename: str) -> str:
        """Keep ``rota``; return its token."""
        token = secrets.token_urlsafe(9)
        with self._lock:
            self._items[token] = StoredRota(rota, filename)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
        return token

    def get(self, token: str) -> StoredRota | None:
        """The rota of ``token``, or ``None`` when unknown or dropped."""
        with self._lock:
            item = self._items.get(token)
            if item is not None:
                self._items.move_to_end(token)
            return item
