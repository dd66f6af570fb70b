"""What carrying out recommendations changes in the facts: their declared effects, applied in order.

Both what-if (``cxm what-if --do``, the shortest path) and the authoring audit use it, so it lives below them.
"""

from __future__ import annotations

from typing import Any

from cxm.engine.knowledge.base import KnowledgeBase
from cxm.engine.language.effects import apply as apply_effect
from cxm.facts.changes import Change


def effect_changes(kb: KnowledgeBase, flat: dict[str, Any], rec_ids: list[str]) -> list[Change]:
    """The input changes that carrying out the recommendations makes (their declared effects, in order)."""
    values = dict(flat)
    changed: list[str] = []
    for rec_id in rec_ids:
        for effect in kb.catalogue[rec_id].rec.effects:
            spec = kb.specs[effect.fact]  # the rule base's copy: building the facts models would slow `assess`
            new = apply_effect(spec, values.get(effect.fact), effect)
            if new != values.get(effect.fact):
                values[effect.fact] = new
                if effect.fact not in changed:
                    changed.append(effect.fact)
    return [Change(path, values[path]) for path in changed]


def retaken(flat: dict[str, Any]) -> dict[str, Any]:
    """The facts with the self-assessment re-taken once the work is done, as one that agrees with the facts: the
    self-ratings left out, so that every level follows the evidence."""
    return {k: v for k, v in flat.items() if not k.startswith("self_assessment.")}
