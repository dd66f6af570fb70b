"""Generated company profiles for the benchmarks; the generator lives in :mod:`cxm.facts.generate`.

python bench/profiles.py 1000 companies.csv      # or .jsonl
"""

from __future__ import annotations

import sys

from cxm.facts.generate import COUNTRIES, _flat, csv_cell, profile, profiles, write

__all__ = ["COUNTRIES", "_flat", "csv_cell", "profile", "profiles", "write"]

if __name__ == "__main__":
    write(sys.argv[2], int(sys.argv[1]), int(sys.argv[3]) if len(sys.argv) > 3 else 2026)
