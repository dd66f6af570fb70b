"""Lint findings, the report of a run, and the loader's problems as findings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cxm.engine.authoring.lint.codes import CHECKS, ERROR, WARNING
from cxm.engine.knowledge.base import KnowledgeBase, Rule
from cxm.facts.source import Document, Path_, Problem


@dataclass(frozen=True, order=True)
class Finding:
    """One lint finding, printed ``FILE:LINE:COL: CODE message``."""

    file: str
    line: int
    col: int
    code: str
    message: str

    @property
    def severity(self) -> str:
        return CHECKS[self.code].severity

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.code} {self.message}"


@dataclass
class Report:
    """Every finding of a lint run, sorted, and what was linted."""

    findings: list[Finding]
    rules: int = 0
    files: int = 0
    loaded: bool = True  # false when schema errors stopped the semantic checks
    kb: KnowledgeBase | None = field(default=None, repr=False)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    def exit_code(self, strict: bool = False) -> int:
        return 1 if self.errors or (strict and self.warnings) else 0


# --- the loader's problems ---------------------------------------------------------------------

_TEXT_FIELDS = {"en", "ru", "source", "title", "because", "text", "description", "name", "meaning"}


_CODES = {
    "unknown-name": "CXL002",
    "bad-value": "CXL003",
    "duplicate": "CXL004",
    "cycle": "CXL006",
    "computed-cycle": "CXL301",
}


def classify(problem: Problem) -> str:
    """The lint code of a problem the loader reported, from the sort of problem it is."""
    if problem.kind == "missing":
        last = re.split(r"[.\[]", problem.field)[-1]
        return "CXL005" if last in _TEXT_FIELDS else "CXL001"
    return _CODES.get(problem.kind, "CXL001")


def from_problem(problem: Problem, code: str | None = None) -> Finding:
    return Finding(
        problem.file, problem.line, problem.col, code or classify(problem), f"{problem.field}: {problem.message}"
    )


def finding_at(doc: Document, path: Path_, code: str, message: str, *, key: bool = False) -> Finding:
    line, col = doc.where(path, key=key)
    return Finding(doc.file, line, col, code, message)


def rule_finding(rule: Rule, code: str, message: str, sub: Path_ = ("id",)) -> Finding:
    return finding_at(rule.doc, rule.path + sub, code, message)
