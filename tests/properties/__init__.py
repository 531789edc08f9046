"""Properties tests (issue 6)."""
