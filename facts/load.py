"""Load a facts file: strict YAML/JSON, validated against :class:`Facts`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from cxm.facts.schema import Facts
from cxm.facts.source import Document, Problem, SourceError, parse_text, read_document
from cxm.facts.validation import problems


@dataclass(frozen=True)
class LoadedFacts:
    """Validated facts and the document they came from (for line numbers)."""

    facts: Facts
    doc: Document

    @property
    def file(self) -> str:
        return self.doc.file


def validate(doc: Document) -> LoadedFacts:
    """Validate a parsed document as a facts file, or raise a located :class:`SourceError`."""
    if not isinstance(doc.data, dict):
        raise SourceError([Problem(doc.file, 1, 1, "(root)", "expected a mapping of sections (company, ...)")])
    try:
        facts = Facts.model_validate(doc.data)
    except ValidationError as exc:
        raise SourceError(problems(doc, exc, Facts)) from None
    return LoadedFacts(facts, doc)


def load_facts(path: Path | str) -> LoadedFacts:
    """Read, parse and validate a facts file."""
    return validate(read_document(path))


def load_facts_text(text: str, name: str = "<facts>") -> LoadedFacts:
    """Parse and validate facts given as text."""
    return validate(parse_text(text, name))
