"""The interview that asks the deciding question first.

The company's own questions (name, industry, markets, size, geography, country) come first, as in the full
questionnaire. Then, at each step, of the facts not asked yet (each *unknown*, :mod:`cxm.engine.services.unknowns`):

1. while the stage is not settled (its lowest and highest end differ), the fact whose answer alone moves the ends
   most (stages first, then levels); when none does alone, the first fact the stage rests on;
2. once it is settled, the facts the plan's *Now* rests on, until *Now* is the same at both ends and no entry of
   it rests on an unknown;
3. then it stops: what was not asked stays ``unknown``.

After the company's questions comes one about the self-assessment (:data:`SELF`: has the company rated itself?);
when it has not, the ratings are left out (no self-assessment assumes nothing), else they are facts like the others.

Each question comes with why it is asked. Since an answer lies between the least and the most mature value, the
stage the interview stops at is the stage of the full facts, whatever the answers not asked would have been.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cxm.engine.services.unknowns import Probe, ends, stage_range
from cxm.facts.unknown import REQUIRED

if TYPE_CHECKING:
    from cxm.engine.results.result import Assessment
    from cxm.engine.services.api import Engine
    from cxm.engine.services.unknowns import Range

SELF = "self_assessment"
"""The question "has the company rated itself?" (yes: its four ratings may be asked; no: they are left out)."""


@dataclass(frozen=True)
class Ask:
    """The next question and why it is asked (``why``: a key of the interview's labels and its values)."""

    path: str
    why: str
    values: dict[str, str]


class Deciding:
    """The state of a deciding interview: the answers so far and what is still unknown."""

    def __init__(self, engine: Engine, depth: int = 1):
        from cxm.facts.questions import REQUIRED as NO_DEFAULT
        from cxm.facts.questions import questions

        self.engine = engine
        self.depth = depth  # how many of the plan's Now decisions must be settled
        self.probe = Probe(engine)
        qs = questions()
        self.paths = [q.path for q in qs]
        self.defaults = {q.path: q.default for q in qs if q.default is not NO_DEFAULT and q.default is not None}
        self.first = [p for p in self.paths if p in REQUIRED] + [SELF]
        self.ratings = [p for p in self.paths if p.startswith(SELF + ".")]
        self.answers: dict[str, Any] = {}
        self.dont_know: set[str] = set()
        self.given: list[str] = []  # the questions asked, in order
        self.phases: list[str] = []
        self._plans: dict[str, tuple[Assessment, Assessment]] = {}

    # --- the state ------------------------------------------------------------------------------------------

    def answer(self, path: str, value: Any) -> None:
        """An answer (``None``: left out, the default assumed); for :data:`SELF`, whether there are ratings."""
        self.answers[path] = value
        self.given.append(path)
        if path == SELF and not value:
            for p in self.ratings:
                self.answers[p] = None
        if path == "company.markets.b2b" and isinstance(value, int):  # the shares add up to 100: not asked
            self.answers["company.markets.b2c"] = 100 - value
        self.dont_know.discard(path)

    def unknown_answer(self, path: str) -> None:
        """ "Don't know": the fact stays unknown and is not asked again."""
        self.dont_know.add(path)
        self.answers.pop(path, None)
        self.given.append(path)

    @property
    def asked(self) -> int:
        return len(self.given)

    def unknown(self) -> list[str]:
        """Every fact not known, in schema order."""
        return [p for p in self.paths if p not in self.answers and p not in self.first]

    def flat(self) -> dict[str, Any]:
        flat = dict(self.defaults)
        for path, value in self.answers.items():
            if path == SELF:
                continue
            if value is None:
                flat.pop(path, None)
            else:
                flat[path] = value
        return flat

    def range(self, *, deciding: bool = True) -> Range:
        return stage_range(self.probe, self.flat(), self.unknown(), deciding=deciding)

    # --- the next question ----------------------------------------------------------------------------------

    def next(self) -> Ask | None:
        """The next question, or None when the stage and the plan's *Now* are settled (or nothing is left)."""
        for path in self.first:
            if path not in self.answers:
                return Ask(path, "why_company", {})
        open_ = [p for p in self.unknown() if p not in self.dont_know]
        rng = stage_range(self.probe, self.flat(), self.unknown(), stage_only=True)
        low, high = rng.low.stage, rng.high.stage
        if not rng.settled:
            for d in rng.deciding:
                if d.path in open_:
                    return Ask(d.path, "why_stage", {"low": low, "high": high})
            # no answer moves the stage alone: a fact of the competency whose level is least settled
            stage_facts = [p for p in open_ if p in self.probe.inputs]
            if stage_facts:

                def gap(path: str) -> int:
                    comp = path.split(".", 1)[0] if not path.startswith("self_assessment.") else path.split(".")[1]
                    return rng.high.levels.get(comp, 0) - rng.low.levels.get(comp, 0)

                best = max(stage_facts, key=gap)  # the first of the widest
                return Ask(best, "why_levels", {"low": low, "high": high})
        return self._now_question(open_)

    def plans(self) -> tuple[Assessment, Assessment]:
        """The assessments of the lowest and the highest end (each set of answers assessed once)."""
        import json

        key = json.dumps([self.answers, sorted(self.dont_know)], sort_keys=True, default=str)
        if key not in self._plans:
            self._plans.clear()
            low, high, _, _ = ends(self.flat(), self.unknown())
            self._plans[key] = (self._assess(low), self._assess(high))
        return self._plans[key]

    def _assess(self, flat: dict[str, Any]) -> Assessment:
        from cxm.engine.knowledge.cache import facts_validator
        from cxm.facts.load import LoadedFacts
        from cxm.facts.questions import nest
        from cxm.facts.source import Document

        data = facts_validator().validate_python(nest(flat))
        said: dict[tuple[str | int, ...], tuple[int, int]] = {
            tuple(p.split(".")): (0, 0) for p, v in self.answers.items() if v is not None
        }
        return self.engine.assess(LoadedFacts(data, Document("<interview>", nest(flat), dict(said), dict(said))))

    def direct(self, ident: str, a: Assessment) -> set[str]:
        """The input facts the rules that made a recommendation test, and those its effects set."""
        rec = next((r for r in a.recommendations if r.id == ident), None)
        if rec is None:
            return set()
        out = {str(e.get("fact")) for e in rec.effects}
        for rid in rec.rules:
            out |= self._inputs(rid)
        return out

    def _inputs(self, rid: str) -> set[str]:
        """The input facts a rule tests, and those the derived facts it tests rest on (not through the levels,
        the stage or the score, which the stage's range settles)."""
        if not hasattr(self, "_by_fact"):
            self._by_fact: dict[str, list[str]] = {}
            self._memo: dict[str, set[str]] = {}
            for ident, c in self.engine.compiled.rules.items():
                for con in c.rule.conclusions:
                    self._by_fact.setdefault(con.fact, []).append(ident)
        if rid in self._memo:
            return self._memo[rid]
        self._memo[rid] = set()  # a circle ends here
        rule = self.engine.compiled.rules.get(rid)
        out: set[str] = set()
        if rule is not None:
            pos, neg = rule.rule.needs()
            for fact in pos | neg:
                if fact in self.defaults or fact in self.paths:
                    out.add(fact)
                elif not fact.startswith(("level", "stage", "score", "weakest", "recommendation", "held_back")):
                    for other in self._by_fact.get(fact, ()):
                        out |= self._inputs(other)
        self._memo[rid] = out
        return out

    def now_unsettled(self) -> dict[str, list[str]]:
        """The plan's *Now* entries (at the lowest end) that are not settled, each with the unknowns it rests on;
        an entry the highest end's *Now* lacks too."""
        low, high = self.plans()
        unknown = set(self.unknown())
        low_now, high_now = [s.id for s in low.plan.now], [s.id for s in high.plan.now]
        out: dict[str, list[str]] = {}
        for at in range(min(self.depth, max(len(low_now), len(high_now)))):
            pair = [ids[at] for ids in (low_now, high_now) if at < len(ids)]
            differ = len(set(pair)) > 1 or len(pair) == 1
            for ident in dict.fromkeys(pair):
                if not differ:  # the same entry at both ends, in the same place
                    continue
                facts = (self.direct(ident, low) | self.direct(ident, high)) & unknown
                if facts or differ:
                    out[ident] = sorted(facts, key=self.paths.index)
        for o in low.plan.obligations + high.plan.obligations:  # a legal duty on an unknown fact may lead
            facts = set(o.facts) & unknown
            if o.duty == "confirm" and facts:
                out[o.id] = sorted(facts, key=self.paths.index)
        return out

    def _now_question(self, open_: list[str]) -> Ask | None:
        unsettled = self.now_unsettled()
        if not unsettled:
            return None
        low, high = self.plans()
        titles = {r.id: r.title for r in [*low.recommendations, *high.recommendations]}
        weight: dict[str, float] = {}  # a fact that more unsettled entries rest on, the earlier ones most, first
        first: dict[str, str] = {}
        for n, (ident, facts) in enumerate(unsettled.items()):
            for path in facts:
                if path in open_:
                    weight[path] = weight.get(path, 0.0) + 1.0 / (n + 1)
                    first.setdefault(path, ident)
        if weight:
            path = max(weight, key=lambda p: (weight[p], -self.paths.index(p)))
            t = titles[first[path]]
            return Ask(path, "why_now", {"en": t.en, "ru": t.ru})
        if any(unsettled.values()):  # what is left rests on facts answered "don't know": nothing more decides
            return None
        # the ends' Now differ, and no entry rests on an unknown itself: the levels (the weakest competency) decide
        rng = self.range()
        for d in rng.deciding:
            if d.path in open_:
                t = titles[next(iter(unsettled))]
                return Ask(d.path, "why_now", {"en": t.en, "ru": t.ru})
        return None


def replay(engine: Engine, facts: dict[str, Any], *, limit: int | None = None, depth: int = 1) -> tuple[Deciding, int]:
    """Run the deciding interview on a company whose full facts are known (dotted paths, plain values), answering
    each question from them; the interview and the number of questions asked."""
    d = Deciding(engine, depth)
    asked = 0
    while limit is None or asked < limit:
        ask = d.next()
        if ask is None:
            break
        if ask.path == SELF:
            d.answer(SELF, any(p in facts for p in d.ratings))
        else:
            d.answer(ask.path, facts.get(ask.path))
        d.phases.append(ask.why)
        asked += 1
    return d, asked
