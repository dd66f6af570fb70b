"""cx-maturity: the ``cxm`` package.

In a checkout this folder holds links to the code folders at the repository's root (``engine``, ``facts``,
``rules``, ``cli``), so that Python, pytest, lint-imports and mypy, run from the root, read the files as they are
edited (docs/TESTING.md); the wheel holds the folders themselves.
"""
