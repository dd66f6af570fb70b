"""Build guard: stop early, with a clear reason, on a Python durable-rules cannot run on.

Everything else about the build is in pyproject.toml.
"""

import sys

if sys.version_info >= (3, 13):
    sys.exit(
        "cx-maturity needs Python 3.11 or 3.12. Its rule engine, durable-rules 2.0.28 (the last release), "
        f"builds on Python {sys.version_info[0]}.{sys.version_info[1]} but cannot be imported there: its C "
        "extension calls PyEval_CallObject, which Python 3.13 removed. Create the venv with python3.11 or python3.12."
    )

from setuptools import setup

setup()
