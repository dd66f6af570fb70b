"""Lint a rule base: the loader's located schema problems plus semantic checks.

Every finding has a stable code (``CXL…``), a severity and a place in a rule
file, and prints as ``FILE:LINE:COL: CODE message``. :data:`CHECKS` documents
each code: what it finds, why it matters and how to fix it (English and
Russian); ``cxm rules lint --explain CODE`` prints that text.

``codes`` holds the documentation, ``findings`` the findings and report, ``analysis`` the fixpoint and
satisfiability the checks rest on, ``checks`` the checks, and ``run`` the entry points.
"""

from cxm.engine.authoring.lint.codes import CHECKS, ERROR, WARNING, Check
from cxm.engine.authoring.lint.findings import Finding, Report
from cxm.engine.authoring.lint.run import lint, lint_kb

__all__ = ["CHECKS", "ERROR", "WARNING", "Check", "Finding", "Report", "lint", "lint_kb"]
