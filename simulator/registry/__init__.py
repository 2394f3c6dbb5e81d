"""The establishment's exercise history: which exercises were played, how they were rated, and the
improvement items followed from one year's exercise to the next (for the ARS and the CaRE programme).

A SQLite file in the user data folder (or a path). A journal enters only when it verifies and
replays; the registry keeps its head hash and what the report derived from it, never a copy of
the journal that could drift from the original.
"""
