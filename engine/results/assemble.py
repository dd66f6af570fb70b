"""Assemble an :class:`Assessment` from a session trace: read the conclusions, never compute them."""

from __future__ import annotations

from cxm.engine.knowledge.base import KnowledgeBase
from cxm.engine.language.conclusions import Copy, Sum
from cxm.engine.language.terms import Bilingual
from cxm.engine.language.words import bilingual, phrase, statement
from cxm.engine.results.chains import Explainer, input_fact
from cxm.engine.results.checks import why_not
from cxm.engine.results.plan import build_plan, subtree
from cxm.engine.results.result import (
    Assessment,
    Assumed,
    Chain,
    Fact,
    Firing,
    GapTest,
    HeldBack,
    Level,
    Recommendation,
    Roadmap,
    RoleGap,
    RoleScores,
    SelfRating,
    Stage,
    StageRef,
    SurveyFigures,
    Trace,
)
from cxm.engine.results.summary import only, values
from cxm.engine.results.summary import ordered as summary_order
from cxm.engine.runtime.evaluate import group_facts
from cxm.engine.runtime.session import Trace as SessionTrace
from cxm.facts.defaults import assumed
from cxm.facts.load import LoadedFacts
from cxm.facts.vocabulary import whole


class _Reader:
    def __init__(self, kb: KnowledgeBase, trace: SessionTrace, loaded: LoadedFacts):
        self.kb, self.trace, self.loaded = kb, trace, loaded
        self.explainer = Explainer(trace, loaded.doc)
        self.inputs = {f.name: f.value for f in trace.facts.values() if f.input}

    def values(self, name: str) -> list[str]:
        return values(self.trace, name)

    def one(self, name: str) -> str:
        return only(self.trace, name)

    def rules_of(self, fact_id: str) -> list[str]:
        out: list[str] = []
        for seq in self.trace.facts[fact_id].by:
            rule = self.trace.firings[seq].rule
            if rule not in out:
                out.append(rule)
        return out

    def because(self, fact_id: str) -> Bilingual:
        return self.kb.rule(self.rules_of(fact_id)[0]).because

    def basis(self, fact_id: str) -> Bilingual:
        """The because-text of the rule that produced the value, following plain copies back, and through a sum to
        its last addend that is not zero (a level's highest rung of evidence met)."""
        current = fact_id
        for _ in range(len(self.trace.firings) + 1):
            firing = self.trace.firings[self.trace.facts[current].by[0]]
            rule = self.kb.rule(firing.rule)
            name = self.trace.facts[current].name
            conclusion = next(c for c in rule.conclusions if c.fact == name)
            source = conclusion.value
            if isinstance(source, Sum) and len(rule.conclusions) == 1:
                addends = [
                    f
                    for n in source.facts
                    for f in firing.matched
                    if self.trace.facts[f].name == n and self.trace.facts[f].value
                ]
                if addends:
                    current = addends[-1]
                    continue
            if not (isinstance(source, Copy) and source.plus == 0 and len(rule.conclusions) == 1):
                return rule.because
            current = next(f for f in firing.matched if self.trace.facts[f].name == source.fact)
        return self.because(fact_id)

    def chain(self, fact_id: str) -> Chain:
        return self.explainer.chain(fact_id)

    def stage(self) -> Stage:
        fid = self.one("stage")
        sid = self.trace.facts[fid].value
        sdef = self.kb.stage(str(sid))
        return Stage(
            id=sdef.id,
            number=self.kb.stage_rank(sdef.id),
            name=sdef.name,
            meaning=sdef.meaning,
            because=self.because(fid),
            basis=self.basis(fid),
            rules=self.rules_of(fid),
            chain=self.chain(fid),
        )

    def levels(self) -> dict[str, Level]:
        out = {}
        for comp in self.kb.competencies:
            fid = self.one(f"level.{comp.id}")
            out[comp.id] = Level(
                competency=comp.id,
                name=comp.name,
                level=whole(self.trace.facts[fid].value),
                because=self.because(fid),
                basis=self.basis(fid),
                rules=self.rules_of(fid),
                chain=self.chain(fid),
                self_rating=self.self_rating(comp.id),
            )
        return out

    def self_rating(self, comp: str) -> SelfRating | None:
        """The self-assessed and evidence levels, and whether they are two or more apart (rules/levels/levels.yaml)."""
        own, evidence = self.values(f"self_level.{comp}"), self.values(f"evidence_level.{comp}")
        if not own or not evidence:
            return None
        floored = {str(self.trace.facts[f].value) for f in self.values("level_floored")}
        capped = {str(self.trace.facts[f].value) for f in self.values("level_capped")}
        far = "below" if comp in floored else "above" if comp in capped else None
        return SelfRating(
            self_level=whole(self.trace.facts[own[0]].value),
            evidence_level=whole(self.trace.facts[evidence[0]].value),
            far=far,
        )

    def recommendations(self) -> list[Recommendation]:
        made = {str(self.trace.facts[f].value): f for f in self.values("recommendation")}
        recs = {}
        for rec_id, fid in made.items():
            entry = self.kb.catalogue[rec_id].rec
            priority = min(self.kb.rule(r).priority for r in self.rules_of(fid))
            recs[rec_id] = Recommendation(
                id=rec_id,
                kind=entry.kind.value,
                serves=entry.serves,
                competency=entry.competency,
                priority=priority,
                effort=entry.effort.value,
                cost=entry.cost.value,
                horizon=entry.horizon,
                track=entry.track,
                title=entry.title,
                text=entry.text,
                because=self.because(fid),
                rules=self.rules_of(fid),
                source=entry.source,
                chain=self.chain(fid),
                effects=[e.to_data() for e in entry.effects],
                closes=self.closes(fid),
                finding=self.finding(fid),
                outcome=[
                    bilingual(lambda lang, e=e: phrase(self.kb.specs[e.fact], e.op, e.value, lang))
                    for e in entry.effects
                ],
            )
        return ordered(list(recs.values()))

    def finding(self, fact_id: str) -> Bilingual | None:
        """What the rule found in this company, in words, when its reason could name several things: the input facts
        of the alternative that held (a rule with several), and the failing test of each gap it matched."""
        facts = self.trace.facts
        firing = self.trace.firings[facts[fact_id].by[0]]
        rule = self.kb.rule(firing.rule)
        said: list[tuple[str, object]] = []
        if len(rule.branches) > 1:
            inputs = {facts[m].name: facts[m].value for m in firing.matched if facts[m].input}
            said += [(lit.fact, inputs[lit.fact]) for lit in rule.branches[firing.branch] if lit.fact in inputs]
        for m in firing.matched:
            if facts[m].name.startswith("gap.") and facts[m].by:
                gap = self.trace.firings[facts[m].by[0]]
                closes = self.kb.rule(gap.rule).closes
                if closes and closes[1] in self.inputs and (closes[1], self.inputs[closes[1]]) not in said:
                    said.append((closes[1], self.inputs[closes[1]]))
        if not said:
            return None
        return bilingual(
            lambda lang: "; ".join(statement(self.kb.specs[f], v, lang, named=True) for f, v in said) + "."
        )

    def closes(self, fact_id: str) -> list[GapTest]:
        """The gap tests behind a recommendation: the gaps its own rules matched, each with the test it names."""
        out: list[GapTest] = []
        for seq in self.trace.facts[fact_id].by:
            for matched in self.trace.firings[seq].matched:
                for by in self.trace.facts[matched].by if self.trace.facts[matched].name.startswith("gap.") else ():
                    closes = self.kb.rule(self.trace.firings[by].rule).closes
                    test = closes and GapTest(rule=closes[0], fact=closes[1], location=closes[2])
                    if test and test not in out:
                        out.append(test)
        return out

    def held_back(self) -> list[HeldBack]:
        out = []
        for fid in self.values("held_back"):
            rec_id = str(self.trace.facts[fid].value)
            entry = self.kb.catalogue[rec_id].rec
            out.append(
                HeldBack(
                    id=rec_id,
                    kind=entry.kind.value,
                    title=entry.title,
                    because=self.because(fid),
                    rules=self.rules_of(fid),
                )
            )
        return sorted(out, key=lambda h: h.id)

    def roadmap(self, stage: Stage, weakest: list[str]) -> Roadmap:
        """The next stage and the checks of its gates and score band (what to do first comes with the plan)."""
        if stage.number >= len(self.kb.stages):
            return Roadmap(next_stage=None, gates=[], score=[], weakest=weakest, recommendations=[])
        nxt = self.kb.stages[stage.number]
        target = nxt.id
        facts = group_facts(self.trace.facts.values())
        score = why_not(self.kb, "stage_band", target, facts) if "stage_band" in self.kb.specs else []
        ref = StageRef(id=nxt.id, number=stage.number + 1, name=nxt.name)
        gates = why_not(self.kb, "gate", target, facts)
        met = {c.rule for c in gates if c.held}  # a gate met by one alternative: its failing ones are not shown
        gates = [c for c in gates if c.held or c.rule not in met]
        gates = [c for n, c in enumerate(gates) if not c.held or all(g.rule != c.rule for g in gates[:n])]
        return Roadmap(next_stage=ref, gates=gates, score=score, weakest=weakest, recommendations=[])

    def full_trace(self) -> Trace:
        doc = self.loaded.doc
        firings = [
            Firing(seq=f.seq, rule=f.rule, branch=f.branch, phase=f.stratum, matched=f.matched, asserted=f.asserted)
            for f in self.trace.firings
        ]
        facts = [
            Fact(
                id=f.id,
                name=f.name,
                value=f.value,
                by=f.by,
                input=input_fact(doc, f.name, f.value) if f.input else None,
            )
            for f in self.trace.facts.values()
        ]
        return Trace(firings=firings, facts=facts)


def ordered(recs: list[Recommendation]) -> list[Recommendation]:
    """Decisions by priority, each followed by its actions, each action by its tools; orphans last."""
    return summary_order(recs)


def survey_figures(loaded: LoadedFacts) -> SurveyFigures | None:
    """The figures of ``self_assessment.survey``, when the facts hold them (they are no facts rules see)."""
    survey = (loaded.data.get("self_assessment") or {}).get("survey")
    if not survey:
        return None
    comps = ("leadership", "brand", "employees", "customers")
    return SurveyFigures(
        respondents=survey["respondents"],
        spread=dict(survey["spread"]),
        roles=[
            RoleScores(role=r["role"], respondents=r["respondents"], medians={c: r[c] for c in comps})
            for r in survey["roles"]
        ],
        disagreement=[RoleGap(**d) for d in survey["disagreement"]],
    )


def assemble(kb: KnowledgeBase, trace: SessionTrace, loaded: LoadedFacts, *, with_trace: bool = False) -> Assessment:
    """The assessment of one company, read from the facts durable-rules concluded."""
    reader = _Reader(kb, trace, loaded)
    order = [c.id for c in kb.competencies]
    weakest = sorted((str(trace.facts[f].value) for f in reader.values("weakest")), key=order.index)
    stage = reader.stage()
    recs = reader.recommendations()
    result = Assessment(
        company=loaded.company,
        file=loaded.file,
        knowledge_base=kb.digest,
        stage=stage,
        levels=reader.levels(),
        weakest=weakest,
        recommendations=recs,
        held_back=reader.held_back(),
        roadmap=reader.roadmap(stage, weakest),
        survey=survey_figures(loaded),
        trace=reader.full_trace() if with_trace else None,
        overrides=list(kb.overrides),
        assumed=[
            Assumed(
                section=s,
                whole=w,
                fields=f,
                said=[
                    bilingual(lambda lang, p=p, v=v: statement(kb.specs[p], v, lang, named=True)) for p, v in f.items()
                ],
            )
            for s, w, f in assumed(loaded)
        ],
    )
    result.plan = build_plan(kb, result, group_facts(trace.facts.values()))
    first = [r for d in result.plan.order for r in subtree(kb, recs, d)]
    result.roadmap.recommendations = first + [r.id for r in recs if r.id not in first]
    return result
