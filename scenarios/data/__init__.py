"""Data files of the scenario layer: transition, award, inflation and restoration defaults."""
