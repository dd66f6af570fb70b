"""What the command line needs from the engine's lower layers (language, knowledge, runtime, explain), given
through services so that the CLI depends on this layer only (an import-linter contract of pyproject.toml).

Each is a thin pass-through; the modules behind them are imported when first used, as the CLI did.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxm.engine.language.terms import Bilingual
from cxm.engine.language.words import DERIVED, lower_first

if TYPE_CHECKING:
    from cxm.engine.knowledge.base import KnowledgeBase
    from cxm.facts.load import LoadedFacts

__all__ = [
    "DERIVED",
    "Bilingual",
    "cache_dir",
    "check_facts_text",
    "load_rules",
    "lower_first",
    "max_changes",
    "stage_runner",
]


def load_rules(rules: Sequence[Path]) -> KnowledgeBase:
    """The knowledge base of the built-in rules and the ``rules`` folders, loaded (not compiled, not cached)."""
    from cxm.engine.knowledge.loader import load_knowledge

    return load_knowledge(list(rules))


def cache_dir() -> Path:
    """The folder of the project's caches (CXM_CACHE_DIR, else the user's cache directory)."""
    from cxm.engine.knowledge import cache

    return cache.cache_dir()


def check_facts_text(text: str, name: str) -> LoadedFacts:
    """Validate the text of a facts file as :func:`cxm.engine.services.api.read_facts` does a file (a bad one:
    a located SourceError)."""
    from cxm.engine.knowledge.cache import facts_validator
    from cxm.facts.load import load_facts_text

    return load_facts_text(text, name, facts_validator())


def max_changes() -> int:
    """The most input facts `why-not` changes at once in its search."""
    from cxm.engine.explain.whatif import MAX_CHANGES

    return MAX_CHANGES


def stage_runner(engine: Any) -> tuple[Callable[[dict[str, Any]], Any], frozenset[str]]:
    """A run of the engine's stage rules alone on flat facts, and the input facts those rules read."""
    from cxm.engine.explain.whatif import stage_inputs
    from cxm.engine.runtime import session

    def run(flat: dict[str, Any]) -> Any:
        return session.run(engine.kb, engine.stage_rules, flat)

    return run, stage_inputs(engine.kb, (c.rule for c in engine.stage_rules.rules.values()))
