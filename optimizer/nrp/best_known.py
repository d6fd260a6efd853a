"""Best known objective values of benchmark instances 1-24.

Values from the benchmark description (Curtois & Qu, 2014, schedulingbenchmarks.org).
For Instance24 the best solution (40439) is listed; its proven lower bound is 40438.
"""

from __future__ import annotations

__all__ = ["BEST_KNOWN", "best_known_for"]

BEST_KNOWN: dict[int, int] = {
    1: 607,
    2: 828,
    3: 1001,
    4: 1716,
    5: 1143,
    6: 1950,
    7: 1056,
    8: 1300,
    9: 439,
    10: 4631,
    11: 3443,
    12: 4040,
    13: 1348,
    14: 1278,
    15: 3828,
    16: 3225,
    17: 5746,
    18: 4459,
    19: 3149,
    20: 4769,
    21: 21133,
    22: 30241,
    23: 17285,
    24: 40439,
}


def best_known_for(name: str) -> int | None:
    """Best known value for an instance name such as ``"Instance7"``.

    Parameters
    ----------
    name : str
        Instance name (``"InstanceN"``, optionally with ``.txt``).

    Returns
    -------
    int or None
        The best known objective, or ``None`` for an unknown name.
    """
    stem = name.removesuffix(".txt")
    if not stem.startswith("Instance"):
        return None
    number = stem.removeprefix("Instance")
    return BEST_KNOWN.get(int(number)) if number.isdigit() else None
