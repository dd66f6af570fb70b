"""Load a facts file: strict YAML/JSON, validated against the facts schema (:class:`~cxm.facts.schema.Facts`)."""

from __future__ import annotations

from dataclasses import field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic_core import ValidationError

from cxm.facts.record import record
from cxm.facts.source import Document, Problem, SourceError, parse_text, read_document

if TYPE_CHECKING:
    from pydantic_core import SchemaValidator

    from cxm.facts.schema import Facts


@record(frozen=True)
class LoadedFacts:
    """Validated facts and the document they came from (for line numbers)."""

    data: dict[str, Any]
    """The validated facts: section -> field -> value (enum members, lists), every default filled in."""
    doc: Document
    warnings: tuple[Problem, ...] = field(default=(), compare=False)
    """Facts that can hold together but most likely mean a slip (:mod:`cxm.facts.consistency`)."""
    unknown: tuple[str, ...] = field(default=(), compare=False)
    """The fields written ``unknown`` (:mod:`cxm.facts.unknown`), in file order: they hold their default here."""

    @property
    def file(self) -> str:
        return self.doc.file

    @property
    def company(self) -> str:
        """The company's name."""
        return str(self.data["company"]["name"])

    @cached_property
    def facts(self) -> Facts:
        """The facts as the pydantic model (built when first asked for)."""
        from cxm.facts.schema import Facts

        return Facts.model_validate(self.data)


def validate(doc: Document, validator: SchemaValidator | None = None) -> LoadedFacts:
    """Validate a parsed document as a facts file, or raise a located :class:`SourceError`.

    ``validator`` is the compiled form of the schema (:mod:`cxm.facts.compiled`); it gives the same
    data and the same errors as the pydantic models, without the cost of building them.
    """
    if not isinstance(doc.data, dict):
        raise SourceError([Problem(doc.file, 1, 1, "(root)", "expected a mapping of sections (company, ...)")])
    from cxm.facts.unknown import split

    doc, unknown = split(doc)
    try:
        if validator is not None:
            data = validator.validate_python(doc.data)
        else:
            from cxm.facts.schema import Facts

            data = Facts.model_validate(doc.data).model_dump()
    except ValidationError as exc:
        from cxm.facts.schema import Facts
        from cxm.facts.validation import problems

        raise SourceError(problems(doc, exc, Facts)) from None
    from cxm.facts.consistency import contradictions
    from cxm.facts.vocabulary import flatten

    errors, warnings = contradictions(doc, flatten(data))
    if errors:
        raise SourceError(errors)
    return LoadedFacts(data, doc, tuple(sorted(warnings)), unknown)


def load_facts(path: Path | str, validator: SchemaValidator | None = None) -> LoadedFacts:
    """Read, parse and validate a facts file."""
    return validate(read_document(path), validator)


def load_facts_text(text: str, name: str = "<facts>", validator: SchemaValidator | None = None) -> LoadedFacts:
    """Parse and validate facts given as text."""
    return validate(parse_text(text, name), validator)
