"""Faults tests (issue 6)."""
