"""What a facts file left out: the fields that took their default, by section (shown as "Assumed")."""

from __future__ import annotations

from cxm.facts.load import LoadedFacts
from cxm.facts.vocabulary import flatten

OPTIONAL_SECTIONS = {"self_assessment"}
"""Sections whose absence assumes nothing (no self-assessment is simply none)."""


def assumed(loaded: LoadedFacts) -> list[tuple[str, bool, dict[str, object]]]:
    """Per section with defaults used, in schema order: the section, whether all of it was left out, and each
    field left out with the value it took. Fields whose default is "unknown" (null) assume nothing."""
    values = flatten(loaded.data)
    keys = loaded.doc.keys
    out: list[tuple[str, bool, dict[str, object]]] = []
    for path in values:  # every field, defaults filled in, in schema order (null ones left out)
        section = path.split(".", 1)[0]
        if section in OPTIONAL_SECTIONS:
            continue
        if tuple(path.split(".")) in keys:
            continue
        if not out or out[-1][0] != section:
            out.append((section, (section,) not in keys, {}))
        out[-1][2][path] = values[path]
    return out
