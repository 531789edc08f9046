"""Integration tests (issue 6)."""
