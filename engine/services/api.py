"""The engine's entry points: load and compile a knowledge base once, then assess companies.

Only what an assessment needs is imported up front; the rule loader and compiler (needed only when
the cached rule base is stale) and the explanation modules are imported when first used, which keeps
``cxm assess`` quick to start.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxm.engine.base.errors import CxmError
from cxm.engine.knowledge.base import KnowledgeBase
from cxm.engine.knowledge.cache import cached, facts_validator
from cxm.engine.results.summary import Summary, summarize
from cxm.engine.runtime import session
from cxm.engine.runtime.compiler import CompiledBase
from cxm.facts.load import LoadedFacts, load_facts
from cxm.facts.validation import suggest
from cxm.facts.vocabulary import flatten
from cxm.rules import BUILTIN_DIR

if TYPE_CHECKING:
    from cxm.engine.results.result import Assessment, WhatIf, Why, WhyNot
    from cxm.facts.changes import Change

_PATHS: dict[tuple[str, str], tuple[list[str], str | None]] = {}  # shortest paths found in this process, oldest first
_PATHS_KEPT = 256


class Engine:
    """A loaded, compiled knowledge base, reusable for any number of assessments."""

    def __init__(self, extra_rules: Sequence[Path | str] = (), *, builtin: bool = True):
        extra = [Path(p) for p in extra_rules]
        folders = ([BUILTIN_DIR] if builtin else []) + extra

        def build() -> tuple[KnowledgeBase, CompiledBase, CompiledBase]:
            from cxm.engine.knowledge.loader import load_knowledge
            from cxm.engine.runtime.compiler import compile_base

            kb = load_knowledge(extra, builtin=builtin)
            compiled = compile_base(kb)
            return kb.slim(), compiled, compile_base(kb.slice("stage"))

        self.kb, self.compiled, self.stage_rules = cached(folders, f"{builtin}", build)

    def prepare(self) -> None:
        """Create the rulesets in durable-rules' C core now (else the first assessment does)."""
        session.prepare(self.compiled)

    def run(self, loaded: LoadedFacts) -> session.Trace:
        """Run durable-rules on one company; the raw trace of the session."""
        return session.run(self.kb, self.compiled, flatten(loaded.data))

    def assess(self, loaded: LoadedFacts, *, trace: bool = False, path: bool = False) -> Assessment:
        """Assess one company's validated facts; ``path`` adds the roadmap's shortest path (more engine runs)."""
        from cxm.engine.results.assemble import assemble

        result = assemble(self.kb, self.run(loaded), loaded, with_trace=trace)
        if path:
            result.roadmap.shortest = self.shortest(result, flatten(loaded.data))
        return result

    def shortest(self, result: Assessment, flat: dict[str, Any]) -> list[str]:
        """The roadmap's shortest path, found once per rule base and input facts in this process (it takes up
        to :data:`~cxm.engine.explain.whatif.MAX_PATH_RUNS` engine runs, and depends on nothing else)."""
        import json

        from cxm.engine.explain.whatif import find_path, stage_inputs

        key = (result.knowledge_base, json.dumps(flat, sort_keys=True, default=str))
        if key not in _PATHS:
            if len(_PATHS) >= _PATHS_KEPT:
                _PATHS.pop(next(iter(_PATHS)))
            # each candidate is run on the rules the stage depends on (the same stage, several times quicker)
            relevant = stage_inputs(self.kb, (c.rule for c in self.stage_rules.rules.values()))

            def run(f: dict[str, Any]) -> session.Trace:
                return session.run(self.kb, self.stage_rules, f)

            _PATHS[key] = find_path(self.kb, result, flat, run, relevant)
        path, result.roadmap.retake = _PATHS[key]
        return list(path)

    def summarize(self, loaded: LoadedFacts) -> Summary:
        """Assess one company without explanations: stage, levels, recommendation and held-back ids."""
        return summarize(self.kb, self.run(loaded), loaded.company)

    def assess_file(self, path: Path | str, *, trace: bool = False) -> Assessment:
        """Load, validate and assess a facts file."""
        return self.assess(read_facts(path), trace=trace)

    # --- explanations -------------------------------------------------------------------------

    def targets(self) -> list[str]:
        """What `why` can explain: ``stage``, a competency, or a catalogue recommendation."""
        return ["stage", *(c.id for c in self.kb.competencies), *self.kb.catalogue]

    def _unknown(self, target: str, choices: list[str], takes: str = "") -> TargetError:
        """``takes``: what the argument or option accepts (by default what `why` explains)."""
        takes = takes or "give 'stage', a competency or a recommendation id"
        return TargetError(f"unknown target {target!r}{suggest(target, choices)}; {takes}")

    def why(self, loaded: LoadedFacts, target: str) -> Why:
        """The derivation tree of the stage, a competency's level or a recommendation."""
        from cxm.engine.explain.why import why

        trace = self.run(loaded)
        if target == "stage":
            fact = next((f.id for f in trace.facts.values() if f.name == "stage"), None)
        elif target in {c.id for c in self.kb.competencies}:
            fact = next((f.id for f in trace.facts.values() if f.name == f"level.{target}"), None)
        elif target in self.kb.catalogue:
            fact = f"recommendation={target}"
            if fact not in trace.facts:
                held = " (it was held back)" if f"held_back={target}" in trace.facts else ""
                raise TargetError(
                    f"{target!r} was not recommended for this company{held}; "
                    f"`cxm why-not {loaded.file} {target}` says why"
                )
        else:
            raise self._unknown(target, self.targets())
        if fact is None:
            raise TargetError(f"the rules concluded nothing for {target!r}")
        return why(self.kb, trace, loaded.doc, target, fact)

    def why_not(self, loaded: LoadedFacts, rec_id: str) -> WhyNot:
        """Every rule that could make a recommendation, test by test, and the fewest changes that would."""
        from cxm.engine.explain.whatif import search
        from cxm.engine.results.checks import why_not
        from cxm.engine.results.result import WhyNot
        from cxm.engine.runtime.evaluate import group_facts

        if rec_id not in self.kb.catalogue:
            raise self._unknown(rec_id, list(self.kb.catalogue), "give a recommendation id")
        trace = self.run(loaded)
        facts = group_facts(trace.facts.values())
        made = f"recommendation={rec_id}" in trace.facts
        suggestion = None if made else search(loaded, self.run, self.kb, "recommendation", rec_id)
        return WhyNot(
            target=rec_id,
            file=loaded.file,
            made=made,
            held_back=f"held_back={rec_id}" in trace.facts,
            rules=why_not(self.kb, "recommendation", rec_id, facts),
            suggestion=suggestion,
        )

    def what_if(self, loaded: LoadedFacts, changes: list[Change], do: Sequence[str] = ()) -> WhatIf:
        """Re-assess with changed facts, after carrying out the recommendations ``do`` (their declared effects);
        the difference, with the rules that made it."""
        from cxm.engine.explain.whatif import what_if
        from cxm.engine.knowledge.effects import effect_changes
        from cxm.engine.results.assemble import assemble
        from cxm.engine.runtime.evaluate import group_facts
        from cxm.facts.changes import apply

        for rec_id in do:
            if rec_id not in self.kb.catalogue:
                raise TargetError(
                    f"--do {rec_id}: unknown recommendation{suggest(rec_id, list(self.kb.catalogue))}"
                    "; --do takes a recommendation id, as `cxm assess` lists them"
                )
        before = self.assess(loaded)
        done: list[str] = []
        for rec_id in do:  # a recommendation is carried out with the actions and tools recommended under it
            todo = [rec_id]
            while todo:
                current = todo.pop(0)
                done.append(current)
                todo += [r.id for r in before.recommendations if r.serves == current]
        changes = effect_changes(self.kb, flatten(loaded.data), done) + list(changes)
        changed = apply(loaded, changes)
        after_trace = self.run(changed)
        after = assemble(self.kb, after_trace, changed)
        return what_if(self.kb, before, after, group_facts(after_trace.facts.values()), changes)


def read_facts(path: Path | str) -> LoadedFacts:
    """Read and validate a facts file with the cached compiled validator (same result as the pydantic models)."""
    return load_facts(path, facts_validator())


class TargetError(CxmError, ValueError):
    """An explanation was asked for something that is not there (an unknown recommendation id: exit 2)."""
