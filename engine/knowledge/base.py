"""The loaded, checked knowledge base: model, fact vocabulary, catalogue and rules."""

from __future__ import annotations

import dataclasses
from dataclasses import field
from typing import Any

from cxm.engine.language.conclusions import Conclusion
from cxm.engine.language.conditions import Conjunction, Node
from cxm.engine.language.effects import Effect
from cxm.engine.language.terms import Bilingual, Kind, Scale, Status
from cxm.facts.record import record
from cxm.facts.source import Document, Path_, Problem
from cxm.facts.vocabulary import FieldSpec


@record(frozen=True)
class StageInfo:
    """One maturity stage of the model."""

    id: str
    name: Bilingual
    meaning: Bilingual


@record(frozen=True)
class CompetencyInfo:
    """One competency of the model."""

    id: str
    name: Bilingual


@record(frozen=True)
class CatalogueItem:
    """A recommendation of the catalogue, as checked by the loader."""

    id: str
    kind: Kind
    serves: str | None
    competency: str
    effort: Scale
    cost: Scale
    requires: list[str]
    title: Bilingual
    text: Bilingual
    source: str
    effects: tuple[Effect, ...] = ()
    horizon: str = "months"
    """weeks, months or year: how long it takes to carry out."""
    track: str = "plan"
    """plan, or obligation: a legal duty, shown apart from the plan."""
    upkeep: bool = False
    """Upkeep of what is in place: it changes no fact, so it has no effects and is never already done."""


@record(frozen=True)
class DerivedSpec(FieldSpec):
    """A fact that rules conclude; ``many`` facts may hold several values at once."""

    many: bool = False


@record
class Rule:
    """A rule ready to compile: its text, checked condition (in normal form) and conclusions."""

    id: str
    title: Bilingual
    because: Bilingual
    source: str
    status: Status
    priority: int
    aliases: list[str]
    condition: Node
    branches: list[Conjunction]
    conclusions: list[Conclusion]
    doc: Document
    path: Path_
    bindings: dict[str, str] = field(default_factory=dict)
    stratum: int = 0
    closes: tuple[str, str, str] | None = None  # (rule id, fact, FILE:LINE:COL of its test) for a gap rule
    always: bool = False  # declared to fire for every valid company (or written ``when: always``)

    @property
    def file(self) -> str:
        return self.doc.file

    @property
    def line(self) -> int:
        return self.doc.where(self.path)[0]

    @property
    def location(self) -> str:
        line, col = self.doc.where(self.path)
        return f"{self.doc.file}:{line}:{col}"

    def needs(self) -> tuple[set[str], set[str]]:
        """Facts this rule reads positively, and those it reads under negation."""
        positive: set[str] = set()
        negative: set[str] = set()
        for branch in self.branches:
            for lit in branch:
                (negative if lit.negated else positive).add(lit.fact)
                positive.update(lit.refs())
        return positive, negative

    def produces(self) -> set[str]:
        return {c.fact for c in self.conclusions}


@record
class Entry:
    """A catalogue recommendation and where it was defined."""

    rec: CatalogueItem
    doc: Document
    path: Path_

    @property
    def location(self) -> str:
        line, col = self.doc.where(self.path)
        return f"{self.doc.file}:{line}:{col}"


@record
class KnowledgeBase:
    """Everything the engine needs, validated."""

    stages: list[StageInfo]
    competencies: list[CompetencyInfo]
    levels: tuple[int, int]
    model_source: str
    specs: dict[str, FieldSpec]
    catalogue: dict[str, Entry]
    rules: list[Rule]
    digest: str
    files: list[str]
    warnings: list[Problem] = field(default_factory=list)
    overrides: list[str] = field(default_factory=list)
    """Ids of rules that a later rule folder replaced (each has its warning in ``warnings``)."""
    declared: dict[str, tuple[Document, Path_]] = field(default_factory=dict)  # derived fact -> where declared

    def rule(self, rule_id: str) -> Rule:
        """A rule by id (or by one of its former ids)."""
        index = self.__dict__.get("_by_id")
        if index is None:
            index = {alias: r for r in self.rules for alias in r.aliases}
            index.update({r.id: r for r in self.rules})
            self.__dict__["_by_id"] = index
        return index[rule_id]

    def producing(self, fact: str) -> list[Rule]:
        """The rules that conclude ``fact``, in rule order."""
        index = self.__dict__.get("_producing")
        if index is None:
            index = {}
            for r in self.rules:
                for name in dict.fromkeys(c.fact for c in r.conclusions):
                    index.setdefault(name, []).append(r)
            self.__dict__["_producing"] = index
        return index.get(fact, [])

    def slice(self, fact: str) -> KnowledgeBase:
        """The part of the rule base a fact depends on: the rules that conclude it, those that conclude what they
        test, and so on. A session of these rules alone concludes the same values of the fact, at a fraction of
        the cost (the roadmap's shortest-path search re-runs it for the stage)."""
        wanted, todo, keep = {fact}, [fact], set()
        while todo:
            for rule in self.producing(todo.pop()):
                keep.add(rule.id)
                positive, negative = rule.needs()
                for name in sorted(positive | negative):
                    if name not in wanted:
                        wanted.add(name)
                        todo.append(name)
        return dataclasses.replace(self, rules=[r for r in self.rules if r.id in keep])

    def slim(self) -> KnowledgeBase:
        """Drop the parsed contents of the rule files, which nothing reads after loading (where each value
        stands is kept, for messages): the cached rule base is 27% smaller and loads faster."""
        docs = [r.doc for r in self.rules] + [e.doc for e in self.catalogue.values()]
        docs += [doc for doc, _ in self.declared.values()]
        for doc in docs:
            doc.data = None
        return self

    def stage(self, stage_id: str) -> StageInfo:
        return next(s for s in self.stages if s.id == stage_id)

    def stage_rank(self, stage_id: str) -> int:
        return [s.id for s in self.stages].index(stage_id) + 1

    def competency(self, comp_id: str) -> CompetencyInfo:
        return next(c for c in self.competencies if c.id == comp_id)

    def decode(self, fact: str, value: Any) -> Any:
        """The readable value of a fact as stored in the engine (ordered enums are ranks there)."""
        spec = self.specs[fact]
        if spec.kind == "enum" and spec.ordered and isinstance(value, int):
            return spec.values[value]
        return value


def is_many(spec: FieldSpec) -> bool:
    """A derived fact that holds a set of values (one fact per value in the engine)."""
    return isinstance(spec, DerivedSpec) and spec.many
