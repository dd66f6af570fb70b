"""The engine's entry points: load and compile a knowledge base once, then assess companies."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cxm.engine import session
from cxm.engine.assemble import assemble
from cxm.engine.compiler import CompiledBase, compile_base
from cxm.engine.knowledge import KnowledgeBase
from cxm.engine.loader import load_knowledge
from cxm.engine.result import Assessment
from cxm.facts.load import LoadedFacts, load_facts
from cxm.facts.vocabulary import flatten


class Engine:
    """A loaded, compiled knowledge base, reusable for any number of assessments."""

    def __init__(self, extra_rules: Sequence[Path | str] = (), *, builtin: bool = True):
        self.kb: KnowledgeBase = load_knowledge([Path(p) for p in extra_rules], builtin=builtin)
        self.compiled: CompiledBase = compile_base(self.kb)

    def run(self, loaded: LoadedFacts) -> session.Trace:
        """Run durable-rules on one company; the raw trace of the session."""
        return session.run(self.kb, self.compiled, flatten(loaded.facts))

    def assess(self, loaded: LoadedFacts, *, trace: bool = False) -> Assessment:
        """Assess one company's validated facts."""
        return assemble(self.kb, self.run(loaded), loaded, with_trace=trace)

    def assess_file(self, path: Path | str, *, trace: bool = False) -> Assessment:
        """Load, validate and assess a facts file."""
        return self.assess(load_facts(path), trace=trace)
