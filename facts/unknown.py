"""Unknown as an answer: a field of a facts file written ``unknown`` was asked about and nobody knew.

"Left out" keeps its meaning (the conservative default is assumed, listed under "Assumed"); ``unknown`` is
different: the assessment gives a range, from every unknown at its least mature value to every unknown at its
most mature value (:mod:`cxm.engine.services.unknowns`). A required field (the company's name, industry,
markets, size, geography and country) cannot be unknown: the assessment needs it.
"""

from __future__ import annotations

from typing import Any

from cxm.facts.source import Document, Problem, SourceError

UNKNOWN = "unknown"
"""The word a facts file writes for a fact nobody knew (in English, as every value of the file)."""

REQUIRED = frozenset(
    {
        "company.name",
        "company.industry",
        "company.markets.b2b",
        "company.markets.b2c",
        "company.employees",
        "company.geography",
        "company.country",
    }
)
"""The fields an assessment cannot do without (the schema requires them): never ``unknown``."""

MATURITY_SECTIONS = ("leadership", "brand", "employees", "customers", "metrics", "self_assessment", "systems")
"""The sections whose facts have an order of maturity (a one-step improvement never lowers a level or the
stage: ``tests/test_stage_method.py``; systems move no level, but more of them is more in place). An unknown of
the company's profile or of a legal duty takes its default at both ends (a duty not known to be met is to be
confirmed at both ends), and what rests on it is marked "confirm first"."""


def split(doc: Document) -> tuple[Document, tuple[str, ...]]:
    """The document without its ``unknown`` values, and their dotted paths in file order; a required field
    written ``unknown`` is a located error."""
    if not isinstance(doc.data, dict):
        return doc, ()
    found: list[str] = []
    problems: list[Problem] = []

    def walk(node: dict[str, Any], prefix: tuple[str, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in node.items():
            path = (*prefix, key)
            if isinstance(value, dict):
                out[key] = walk(value, path)
            elif isinstance(value, str) and value.strip().lower() == UNKNOWN and isinstance(key, str):
                dotted = ".".join(path)
                if dotted in REQUIRED:
                    problems.append(
                        doc.problem(path, f"{dotted} is required and cannot be unknown: give your best estimate")
                    )
                found.append(dotted)
            else:
                out[key] = value
        return out

    if not _mentions(doc.data):
        return doc, ()
    data = walk(doc.data, ())
    if problems:
        raise SourceError(problems)
    if not found:
        return doc, ()
    return Document(doc.file, data, doc.values, doc.keys), tuple(found)


def _mentions(node: Any) -> bool:
    """Whether ``unknown`` is written anywhere (most files have none: they are passed on as they are)."""
    if isinstance(node, dict):
        return any(_mentions(v) for v in node.values())
    return isinstance(node, str) and node.strip().lower() == UNKNOWN


def extremes(path: str, default: Any) -> tuple[Any, Any]:
    """The least and the most mature value of a field (its default at both ends where it has no order of
    maturity)."""
    from cxm.facts.vocabulary import input_fields

    spec = input_fields()[path]
    if path.split(".", 1)[0] not in MATURITY_SECTIONS:
        return default, default
    if path.startswith("self_assessment."):
        return [1] * 5, [5] * 5
    if spec.kind == "bool":
        return False, True
    if spec.kind == "enum" and spec.ordered:
        return spec.values[0], spec.values[-1]
    if spec.kind == "list" and spec.item == "enum":
        return [], list(spec.values)
    return default, default


def consistent(flat: dict[str, Any], unknown: set[str], low: dict[str, Any]) -> dict[str, Any]:
    """``flat`` with the unknowns that a known fact rules out set back to their least mature value (an LTV per
    segment needs segments, an integrated system must be present, the digital footprint needs a CRM)."""
    from cxm.facts.consistency import REQUIRES

    out = dict(flat)
    if "systems.integrated" in unknown:
        out["systems.integrated"] = [
            s for s in out.get("systems.integrated", []) if s in out.get("systems.present", [])
        ]
    for req in REQUIRES:
        if req.fact in unknown and out.get(req.fact) == req.value:
            have = out.get(req.needs)
            met = req.item in (have or []) if req.item is not None else bool(have)
            if not met:
                out[req.fact] = low[req.fact]
    return out


META = ("title", "description", "default", "x-description-ru")
SECTIONS_REF = "#/$defs/"


def allow_in_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The facts file's JSON Schema with ``unknown`` allowed for every field that is not required (a field
    holding a section of its own is left as it is: its fields take ``unknown``)."""
    defs = schema.get("$defs", {})
    sections = {name for name, d in defs.items() if "properties" in d}
    for d in (defs[name] for name in sections):
        required = set(d.get("required", ()))
        for key, prop in d["properties"].items():
            if key in required or prop.get("$ref", "").removeprefix(SECTIONS_REF) in sections:
                continue
            if any(a.get("$ref", "").removeprefix(SECTIONS_REF) in sections for a in prop.get("anyOf", ())):
                continue
            meta = {k: prop[k] for k in META if k in prop}
            rest = {k: v for k, v in prop.items() if k not in META}
            alternatives = rest["anyOf"] if list(rest) == ["anyOf"] else [rest]
            refs = [a["$ref"].removeprefix(SECTIONS_REF) for a in alternatives if "$ref" in a]
            if "description" not in meta and refs and defs[refs[0]].get("description"):
                meta["description"] = defs[refs[0]]["description"]  # pydantic left out the enum's own
            d["properties"][key] = {
                **meta,
                "anyOf": [
                    *alternatives,
                    {
                        "const": UNKNOWN,
                        "description": "Asked, and nobody knew: the assessment gives a range.",
                        "x-description-ru": "Спрашивали, но никто не знал: оценка даёт диапазон.",
                    },
                ],
            }
    return schema
