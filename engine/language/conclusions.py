"""What a rule concludes: parsing and checking the ``then`` part of a rule.

Forms (a mapping with one or more of these keys, or a list of such mappings)::

    then:
      derive: {size_class: small}            # a derived fact declared under `facts:`
      level: {brand: 3}                       # a competency level
      gate: mobilize                          # a stage gate is met
      stage: explore                          # the company's stage
      recommend: brand-book-and-standards     # a catalogue recommendation
      hold_back: in-house-booking-system      # a recommendation held back (the rule says why)
      weakest: brand                          # a weakest competency

A value may be taken from a fact the rule matched: ``{copy: FACT}`` or
``{copy: FACT, plus: 1}``, or add matched facts up: ``{sum: [FACT, ...]}``
(a list fact adds its items).
"""

from __future__ import annotations

from dataclasses import field
from typing import Any, cast

from cxm.engine.language.conditions import ConditionError, Conjunction, facts_of
from cxm.facts.record import record
from cxm.facts.source import Path_
from cxm.facts.validation import suggest
from cxm.facts.vocabulary import FieldSpec

KINDS = {
    "derive": None,
    "level": "level.",
    "gate": "gate",
    "stage": "stage",
    "recommend": "recommendation",
    "hold_back": "held_back",
    "weakest": "weakest",
}


@record(frozen=True)
class Copy:
    """Take the value of a matched fact (plus an offset)."""

    fact: str
    plus: int = 0


@record(frozen=True)
class Sum:
    """Add up the values of matched facts."""

    facts: tuple[str, ...]


@record(frozen=True)
class Conclusion:
    """One fact a rule asserts when it fires."""

    fact: str
    value: Any  # a literal, Copy or Sum
    path: Path_ = field(compare=False)

    def sources(self) -> tuple[str, ...]:
        if isinstance(self.value, Copy):
            return (self.value.fact,)
        if isinstance(self.value, Sum):
            return self.value.facts
        return ()


def parse_then(raw: Any, path: Path_, specs: dict[str, FieldSpec], derived: set[str]) -> list[Conclusion]:
    """Parse and check a rule's conclusions."""
    items = raw if isinstance(raw, list) else [raw]
    out: list[Conclusion] = []
    for i, item in enumerate(items):
        here = path + (i,) if isinstance(raw, list) else path
        if not isinstance(item, dict) or not item:
            raise ConditionError(here, f"expected one of: {', '.join(KINDS)}")
        for kind, body in item.items():
            at = here + (kind,)
            if kind not in KINDS:
                raise ConditionError(
                    at,
                    f"unknown conclusion {kind!r}{suggest(str(kind), KINDS)}; choose from: {', '.join(KINDS)}",
                    key=True,
                )
            if kind in ("derive", "level"):
                if not isinstance(body, dict) or not body:
                    what = "facts" if kind == "derive" else "competencies"
                    raise ConditionError(at, f"{kind!r} takes a mapping of {what} to values")
                for name, value in body.items():
                    fact = f"{KINDS[kind] or ''}{name}"
                    out.append(_conclusion(fact, value, at + (name,), specs, derived))
            else:
                out.append(_conclusion(cast(str, KINDS[kind]), body, at, specs, derived))  # (not derive)
    return out


def _conclusion(fact: str, raw: Any, path: Path_, specs: dict[str, FieldSpec], derived: set[str]) -> Conclusion:
    spec = specs.get(fact)
    if spec is None or fact not in derived:
        known = sorted(derived)
        why = "is an input fact; rules may not change inputs" if spec else f"is not declared{suggest(fact, known)}"
        raise ConditionError(path, f"{fact!r} {why}", key=True, kind="" if spec else "unknown-name")
    if isinstance(raw, dict):
        return Conclusion(fact, _computed(spec, raw, path, specs), path)
    kind = spec.kind
    ok = (
        (kind == "enum" and isinstance(raw, str) and raw in spec.values)
        or (kind == "bool" and isinstance(raw, bool))
        or (kind == "int" and isinstance(raw, int) and not isinstance(raw, bool))
    )
    if not ok:
        choices = f"; choose from: {', '.join(spec.values)}" if 0 < len(spec.values) <= 12 else ""
        hint = suggest(str(raw), spec.values) if spec.values else ""
        raise ConditionError(path, f"{raw!r} is not a valid value of {fact!r}{hint}{choices}", kind="bad-value")
    return Conclusion(fact, raw, path)


def _computed(spec: FieldSpec, raw: dict, path: Path_, specs: dict[str, FieldSpec]) -> Copy | Sum:
    if set(raw) <= {"copy", "plus"} and "copy" in raw:
        source = specs.get(str(raw["copy"]))
        if source is None:
            raise ConditionError(
                path + ("copy",), f"unknown fact {raw['copy']!r}{suggest(str(raw['copy']), specs)}", kind="unknown-name"
            )
        plus = raw.get("plus", 0)
        same = source.kind == spec.kind and source.values == spec.values
        if not same and not (spec.kind == "int" and source.kind in ("int", "number")):
            raise ConditionError(path, f"cannot copy {source.path!r} into {spec.path!r}: different types")
        if isinstance(plus, bool) or not isinstance(plus, int) or (plus and spec.kind != "int"):
            raise ConditionError(path + ("plus",), "'plus' takes a whole number and applies to numbers only")
        return Copy(source.path, plus)
    if set(raw) == {"sum"} and spec.kind == "int":
        names = raw["sum"] if isinstance(raw["sum"], list) else [raw["sum"]]
        for j, name in enumerate(names):
            source = specs.get(str(name))
            numeric = source is not None and (source.kind in ("int", "number") or source.item == "int")
            if not numeric:
                raise ConditionError(path + ("sum", j), f"{name!r} is not a number fact that can be added up")
        return Sum(tuple(str(n) for n in names))
    raise ConditionError(
        path,
        "a computed value is {copy: FACT}, {copy: FACT, plus: N} or {sum: [FACT, ...]}"
        " (sum only into whole-number facts)",
    )


def check_sources(conclusions: list[Conclusion], branches: list[Conjunction]) -> None:
    """Every fact a conclusion copies or adds up must be matched in every alternative of the condition."""
    for conclusion in conclusions:
        for source in conclusion.sources():
            for branch in branches:
                positive, _ = facts_of(branch)
                if source not in positive:
                    raise ConditionError(
                        conclusion.path, f"{source!r} is used in the conclusion but the condition does not match it"
                    )
