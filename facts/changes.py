"""Changes to a company's input facts, ``PATH=VALUE``, applied and validated like the file itself."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from cxm.facts.load import LoadedFacts, validate
from cxm.facts.source import Document, Problem, SourceError, parse_text
from cxm.facts.validation import suggest
from cxm.facts.vocabulary import input_fields


@dataclass(frozen=True)
class Change:
    """Set one input fact to a value."""

    path: str
    value: Any

    def __str__(self) -> str:
        return f"{self.path}={_show(self.value)}"


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)


def parse_change(text: str, where: str = "--set") -> Change:
    """Parse ``PATH=VALUE``; the value is read as YAML (``true``, ``3``, ``[crm, ivr]``, ``regular``)."""
    path, sep, raw = text.partition("=")
    path = path.strip()
    if not sep or not path:
        raise SourceError([Problem(where, 1, 1, text, "expected PATH=VALUE, e.g. leadership.cx_owner=full_time")])
    fields = input_fields()
    if path not in fields:
        raise SourceError([Problem(where, 1, 1, path, f"unknown fact{suggest(path, fields)}")])
    if raw.strip() == "":
        value: Any = None
    else:
        try:
            value = parse_text(raw, where).data
        except SourceError:
            value = raw.strip()
    return Change(path, value)


def apply(loaded: LoadedFacts, changes: list[Change]) -> LoadedFacts:
    """The facts with the changes applied, validated again (a change can make them invalid)."""
    data = copy.deepcopy(loaded.doc.data)
    for change in changes:
        node = data
        parts = change.path.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        if change.value is None:
            node.pop(parts[-1], None)
        else:
            node[parts[-1]] = change.value
    doc = Document(loaded.doc.file, data, dict(loaded.doc.values), dict(loaded.doc.keys))
    return validate(doc)
