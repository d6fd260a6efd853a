"""Choices offered on the command line, kept here so building the parser stays light.

The libraries that define them import NumPy, pandas and Numba; a test checks that
these copies equal the originals.
"""

from __future__ import annotations

#: Rule sets (``simulator.rules.RULESETS``).
RULESETS = ("new-deal", "wtr", "wales-2026", "england-2016")
#: Contracts (``simulator.contracts.CONTRACTS``).
CONTRACTS = ("nhs-2002", "wales-2026", "england-2016")
#: Pay years (``simulator.contracts.PAY_YEARS``).
PAY_YEARS = ("2025/26", "2026/27")
#: Optimisation objectives (``optimizer.problem.OBJECTIVES``).
OBJECTIVES = ("pay-loss", "cost", "headcount", "fairness", "repair")
#: On-call simulation engines (``simulator.oncall.ENGINES``).
ENGINES = ("montecarlo", "simpy")
