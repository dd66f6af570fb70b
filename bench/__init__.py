"""Benchmarks: scripts that measure and print (`python -m bench.run`, `python -m bench.lint_bench`).

Nothing here is a test; tests never time anything.
"""
