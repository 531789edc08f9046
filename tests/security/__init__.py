"""Security tests (issue 6)."""
