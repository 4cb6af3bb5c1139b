"""Benchmarks: scripts that print numbers, run against the local fake servers over real HTTP.

Each is run as `.venv/bin/python -m bench.<name> [--quick]`; see BENCHMARKS.md.
"""
