"""Effects of a catalogue entry: the input facts that are true once the recommendation is carried out.

Written in a rule file as a mapping of input fact paths to what becomes true::

    effects:
      brand.brand_book: true                        # the fact takes this value
      leadership.cx_owner: {at_least: part_time}    # an ordered choice (or a number) rises to at least this
      customers.response_time_hours: {at_most: 24}  # a number falls to at most this
      systems.integrated: {adds: [crm, ivr]}        # a list gains these values

Effects are checked against the facts schema when the rules load; the engine applies them for
``cxm what-if --do`` and the roadmap, and the audit uses them to tell which gaps a recommendation closes.
"""

from __future__ import annotations

from typing import Any

from cxm.engine.language.conditions import ConditionError, Parser
from cxm.facts.record import record
from cxm.facts.source import Path_
from cxm.facts.validation import suggest
from cxm.facts.vocabulary import FieldSpec

OPS = ("value", "at_least", "at_most", "adds")


@record(frozen=True)
class Effect:
    """One input fact and what it becomes: ``value``, ``at_least``, ``at_most`` or ``adds`` (a list)."""

    fact: str
    op: str
    value: Any

    def to_data(self) -> dict[str, Any]:
        """The JSON form: ``{"fact": PATH, OP: VALUE}``."""
        return {"fact": self.fact, self.op: list(self.value) if isinstance(self.value, tuple) else self.value}

    def __str__(self) -> str:
        shown = "[" + ", ".join(self.value) + "]" if isinstance(self.value, tuple) else _show(self.value)
        return {
            "value": f"{self.fact} = {shown}",
            "at_least": f"{self.fact} >= {shown}",
            "at_most": f"{self.fact} <= {shown}",
            "adds": f"{self.fact} + {shown}",
        }[self.op]


def _show(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def parse_effects(raw: Any, path: Path_, fields: dict[str, FieldSpec]) -> tuple[Effect, ...]:
    """Check a catalogue entry's ``effects`` mapping against the input facts; a located error otherwise."""
    if not isinstance(raw, dict):
        raise ConditionError(path, "effects map input facts to what becomes true, e.g. {brand.brand_book: true}")
    checker = Parser(fields)
    out: list[Effect] = []
    for name, spec_raw in raw.items():
        here = path + (name,)
        spec = fields.get(name)
        if spec is None:
            raise ConditionError(
                here, f"unknown input fact {name!r}{suggest(str(name), list(fields))}", key=True, kind="unknown-name"
            )
        op, operand = "value", spec_raw
        if isinstance(spec_raw, dict):
            if len(spec_raw) != 1 or next(iter(spec_raw)) not in OPS[1:]:
                raise ConditionError(here, "write a value, {at_least: V}, {at_most: V} or {adds: [V, ...]}")
            op, operand = next(iter(spec_raw.items()))
            here = here + (op,)
        if spec.kind == "list":
            if op != "adds" or not isinstance(operand, list) or not operand:
                raise ConditionError(here, f"{name!r} is a list: write {{adds: [VALUE, ...]}}")
            out.append(Effect(name, op, tuple(checker.value(spec, v, here + (i,)) for i, v in enumerate(operand))))
            continue
        if op == "adds":
            raise ConditionError(here, f"'adds' applies to lists; {name!r} is not one")
        if op in ("at_least", "at_most") and not (spec.kind in ("int", "number") or spec.ordered):
            raise ConditionError(here, f"{op!r} applies to numbers and ordered choices; {name!r} is neither")
        out.append(Effect(name, op, checker.value(spec, operand, here)))
    return tuple(out)


def _rank(spec: FieldSpec, value: Any) -> Any:
    return spec.rank(value) if spec.kind == "enum" and spec.ordered else value


def apply(spec: FieldSpec, current: Any, effect: Effect) -> Any:
    """The fact's value once the effect is carried out (``current`` is None when absent)."""
    if effect.op == "adds":
        items = list(current or [])
        return items + [v for v in effect.value if v not in items]
    if effect.op == "value" or current is None:
        return effect.value
    if effect.op == "at_least":
        return effect.value if _rank(spec, current) < _rank(spec, effect.value) else current
    return effect.value if _rank(spec, current) > _rank(spec, effect.value) else current


def holds(spec: FieldSpec, current: Any, effect: Effect) -> bool:
    """Whether the effect is already true: carrying it out would change nothing."""
    return current is not None and apply(spec, current, effect) == current
