"""The data of a client report: the assessment (with its plan and shortest path), the stage ladder, numbered
recommendations and, for the appendix, the explanation of each recommendation drawn from its derivation tree.

Language-neutral: texts stay :class:`Bilingual`; ``cxm report`` picks the language and renders.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cxm.engine.explain.why import why
from cxm.engine.knowledge.base import KnowledgeBase
from cxm.engine.language.words import bilingual, statement
from cxm.engine.results.assemble import assemble
from cxm.engine.results.result import Assessment, Bilingual, Recommendation, RuleCheck, WhyNode
from cxm.engine.services.api import Engine
from cxm.facts.load import LoadedFacts
from cxm.facts.vocabulary import flatten


@dataclass(frozen=True)
class Rung:
    """One stage of the six-stage ladder and the company's place relative to it."""

    id: str
    number: int
    name: Bilingual
    meaning: Bilingual
    place: str  # "reached" (below the company's stage), "current", "next" or "ahead"


@dataclass(frozen=True)
class Step:
    """One line of a recommendation's explanation: a fact and the rule that concluded it, or an input."""

    depth: int
    fact: str
    value: Any
    rule: str | None
    because: Bilingual | None
    source: str | None
    line: int | None  # for an input fact: its line in the facts file (None: the default was used)
    about: Bilingual | None = None  # what the fact means (its description in the facts schema or rule files)
    said: Bilingual | None = None  # the fact and its value in plain words (an input), or its rule's title (derived)


@dataclass(frozen=True)
class Item:
    """A numbered recommendation with its explanation."""

    number: str
    depth: int
    rec: Recommendation
    steps: list[Step]


@dataclass(frozen=True)
class Report:
    """Everything a report shows."""

    assessment: Assessment
    ladder: list[Rung]
    items: list[Item]
    unmet: list[RuleCheck]  # the next stage's gates and score bands not yet met
    focus: list[Recommendation]  # the plan's decisions for now (the roadmap's "Start with")

    @property
    def decisions(self) -> int:
        return sum(1 for r in self.assessment.recommendations if r.kind == "decision")

    @property
    def actions(self) -> int:
        return sum(1 for r in self.assessment.recommendations if r.kind == "action")

    @property
    def tools(self) -> int:
        return sum(1 for r in self.assessment.recommendations if r.kind == "tool")


def numbers(recs: list[Recommendation]) -> dict[str, str]:
    """Outline numbers as the text output prints them: 1, 1.1, 1.1.1 (decision, action, tool)."""
    out: dict[str, str] = {}
    counters: dict[str | None, int] = {}
    for r in recs:
        parent = r.serves if r.serves in out else None
        counters[parent] = counters.get(parent, 0) + 1
        out[r.id] = f"{out[parent]}.{counters[parent]}" if parent else str(counters[parent])
    return out


def steps(node: WhyNode, depth: int = 0, kb: KnowledgeBase | None = None) -> list[Step]:
    """The explanation of a recommendation: its chain of recommendations down to the input facts.

    Only the recommendation itself is expanded: the recommendation it serves, the stage or a level
    it rests on is shown with the rule that concluded it, since the report explains each of those
    in its own place.
    """
    spec = kb.specs.get(node.name) if kb is not None else None
    about = Bilingual(en=spec.description, ru=spec.description_ru or spec.description) if spec else None
    if node.input is not None:
        said = bilingual(lambda lang: statement(spec, node.value, lang, named=True)) if spec else None
        return [Step(depth, node.name, node.value, None, None, None, node.input.line, about, said)]
    rule = node.rule
    assert rule is not None
    out = [Step(depth, node.name, node.value, rule.id, rule.because, rule.source, None, about, rule.title)]
    if depth == 0:
        for child in node.children:
            out += steps(child, depth + 1, kb)
    return out


def build(engine: Engine, loaded: LoadedFacts) -> Report:
    """Assess the company once and gather what the report shows."""
    trace = engine.run(loaded)
    a = assemble(engine.kb, trace, loaded)
    a.roadmap.shortest = engine.shortest(a, flatten(loaded.data))
    current = engine.kb.stage_rank(a.stage.id) - 1  # stage_rank counts from 1
    ladder = []
    for rank, stage in enumerate(engine.kb.stages):
        place = (
            "reached"
            if rank < current
            else "current"
            if rank == current
            else "next"
            if rank == current + 1
            else "ahead"
        )
        ladder.append(Rung(stage.id, rank + 1, stage.name, stage.meaning, place))
    nums = numbers(a.recommendations)
    items = []
    for r in a.recommendations:
        tree = why(engine.kb, trace, loaded.doc, r.id, f"recommendation={r.id}").tree
        items.append(Item(nums[r.id], nums[r.id].count("."), r, steps(tree, kb=engine.kb)))
    road = a.roadmap
    unmet = [c for c in road.gates + road.score if not c.held]
    by_id = {r.id: r for r in a.recommendations}
    focus = [by_id[s.id] for s in a.plan.now]
    return Report(a, ladder, items, unmet, focus)
