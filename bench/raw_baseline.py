"""The floor for one assessment: durable-rules running the same compiled rulesets with minimal actions.

The actions only assert each rule's conclusions (the inference itself): no firing is recorded and
no result is built. `bench/` compares the real engine with this, in the same run.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

from cxm.engine.knowledge.base import KnowledgeBase
from cxm.engine.language.conclusions import Copy, Sum
from cxm.engine.runtime import host as hosting
from cxm.engine.runtime.compiler import SINK, CompiledBase, encode
from cxm.facts.vocabulary import Value

_SIDS = itertools.count(1)


class RawRunner:
    """Registers the compiled rules under another name, with actions that only assert conclusions."""

    def __init__(self, kb: KnowledgeBase, base: CompiledBase):
        self.kb, self.base = kb, base
        self.name = base.name + "_raw"
        body = copy.deepcopy(base.ruleset[base.name])
        for definition in body.values():
            definition["run"] = definition["run"] + "_raw"
        actions = {name + "_raw": self._action(name) for name in base.rules}
        actions[SINK + "_raw"] = lambda c: None
        anchor = getattr(hosting, "ANCHOR", None)  # the rule `register` adds to every ruleset (if any)
        if anchor:
            actions[anchor] = lambda c: None
        hosting.register(self.name, {self.name: body}, actions.__getitem__)
        self.engine = hosting.durable()

    def _action(self, name: str) -> Any:
        compiled = self.base.rules[name]
        conclusions = compiled.rule.conclusions
        specs = self.kb.specs

        def act(c: Any) -> None:
            m = c._m
            for conclusion in conclusions:
                v = conclusion.value
                if isinstance(v, Copy):
                    value = m[compiled.source_alias[v.fact]]["value"] + v.plus
                elif isinstance(v, Sum):
                    value = sum(sum(x) if isinstance(x, list) else x
                                for x in (m[compiled.source_alias[f]]["value"] for f in v.facts))
                else:
                    value = encode(specs[conclusion.fact], v)
                try:  # noqa: SIM105 - cheaper than contextlib.suppress in this hot path
                    c.assert_fact({"id": f"{conclusion.fact}={value}", "name": conclusion.fact, "value": value, "k": 1})
                except self.engine.MessageObservedException:
                    pass

        return act

    def run(self, inputs: dict[str, Value]) -> None:
        sid = str(next(_SIDS))
        h = hosting.host()
        with hosting.LOCK:
            start = getattr(hosting, "START", None)  # as the engine does, before the inputs
            if start:
                h.assert_fact(self.name, {**start, "sid": sid})
            batch = [{"id": f"in:{p}", "sid": sid, "name": p, "value": encode(self.kb.specs[p], v), "k": 1}
                     for p, v in inputs.items()]
            h.assert_facts(self.name, batch)
            for phase, group in self.base.phases:
                h.assert_fact(self.name, {"id": f"phase:{phase}:{group}", "sid": sid, "phase": phase, "group": group})
            h.delete_state(self.name, sid)
