"""Guarding the Numba kernels when the web app calls them from several threads.

Pages and the JSON API run the parallel kernels from the server's worker threads
(searches run in a process of their own). Numba's TBB and OpenMP threading layers
allow that; its fallback ``workqueue`` layer does not (it stops the process on
concurrent use). Where only the fallback is available, every kernel call of the
web app takes one lock, so requests wait for each other instead.
"""

from __future__ import annotations

import importlib
import threading
from contextlib import AbstractContextManager, nullcontext
from functools import lru_cache

_LOCK = threading.Lock()
#: Numba's thread-safe threading layers and the modules that load them.
THREADSAFE_LAYERS = {"tbb": "numba.np.ufunc.tbbpool", "omp": "numba.np.ufunc.omppool"}


@lru_cache(maxsize=1)
def threadsafe_kernels() -> bool:
    """True when Numba will use a threading layer safe for concurrent calls."""
    import numba

    chosen = str(numba.config.THREADING_LAYER).lower()
    if chosen == "workqueue":
        return False
    candidates = [chosen] if chosen in THREADSAFE_LAYERS else list(THREADSAFE_LAYERS)
    for layer in candidates:
        try:
            importlib.import_module(THREADSAFE_LAYERS[layer])
        except (ImportError, OSError):
            continue
        return True
    return False


def kernel_lock() -> AbstractContextManager:
    """A context for a block that runs kernels: nothing when concurrent calls are safe,
    else one lock shared by the whole app."""
    return nullcontext() if threadsafe_kernels() else _LOCK
