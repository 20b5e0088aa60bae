"""Recommenders: pure functions from a snapshot view to advice (priorities, windows, rules)."""
