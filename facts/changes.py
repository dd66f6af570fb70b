"""Changes to a company's input facts, ``PATH=VALUE``, applied and validated like the file itself."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from cxm.facts.load import LoadedFacts, validate
from cxm.facts.source import Document, Problem, SourceError, parse_text
from cxm.facts.tabular import TableError
from cxm.facts.validation import suggest
from cxm.facts.vocabulary import input_fields


@dataclass(frozen=True)
class Change:
    """Set one input fact to a value."""

    path: str
    value: Any
    origin: str = field(default="", compare=False)  # the option it was given with (``--set``), if any

    def __str__(self) -> str:
        return f"{self.path}={_show(self.value)}"

    def concerns(self, name: str) -> bool:
        """Whether a problem of field ``name`` (``a.b``, ``a.b[1]``) is about this change's fact or its section."""
        for inner, outer in ((name, self.path), (self.path, name)):
            if inner == outer or inner.startswith((outer + ".", outer + "[")):
                return True
        return False


class ChangeError(TableError):
    """A change given on the command line is wrong: each problem names the option and the change as given."""


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)


def parse_change(text: str, where: str = "--set") -> Change:
    """Parse ``PATH=VALUE``; the value is read as YAML (``true``, ``3``, ``[crm, ivr]``, ``regular``)."""
    path, sep, raw = text.partition("=")
    path = path.strip()
    if not sep or not path:
        raise ChangeError([f"{where} {text}: expected PATH=VALUE, e.g. leadership.cx_owner=full_time"])
    fields = input_fields()
    if path not in fields:
        raise ChangeError([f"{where} {text}: unknown fact {path!r}{suggest(path, fields)}"])
    if raw.strip() == "":
        value: Any = None
    else:
        try:
            value = parse_text(raw, where).data
        except SourceError:
            value = raw.strip()
    return Change(path, value, where)


def apply(loaded: LoadedFacts, changes: list[Change]) -> LoadedFacts:
    """The facts with the changes applied, validated again (a change can make them invalid).

    A problem about a change given on the command line (its fact, a list item of it, or its section) is
    reported as that change (:class:`ChangeError`), not at the line of the file that held the old value.
    """
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
    try:
        return validate(doc)
    except SourceError as exc:
        given = [c for c in changes if c.origin]
        if not given:
            raise
        raise ChangeError([_as_given(p, given) for p in exc.problems]) from None


def _as_given(problem: Problem, given: list[Change]) -> str:
    """A problem of the changed facts, named by the change it is about (or located, after the changes)."""
    change = next((c for c in given if c.concerns(problem.field)), None)
    if change is None:
        return f"{problem} (after {', '.join(f'{c.origin} {c}' for c in given)})"
    about = "" if problem.field == change.path else f"{problem.field}: "
    return f"{change.origin} {change}: {about}{problem.message}"
