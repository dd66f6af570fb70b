"""The honest floor of one assessment: the engine's own C-driving loop with the recording taken out.

The session is :func:`cxm.engine.runtime.session.run`'s: the same networks, the same messages to durable-rules'
C core, the same order of assertions and actions. Each action only asserts the rule's conclusions that are
new (the C core refuses a fact already there): no fact or firing is recorded, no trace is returned, no result
is built. ``bench/run.py`` compares the engine's assessment and lean result with this, and with CLIPS
(``bench/clips_peer.py``), in the same run. It replaces "raw durable-rules" (the rules run through
durable-rules' Python wrapper, which the engine no longer uses; it cost 1.36x the instructions of this loop).
"""

from __future__ import annotations

import contextlib
from typing import Any

from cxm.engine.knowledge.base import KnowledgeBase
from cxm.engine.runtime import host as hosting
from cxm.engine.runtime import session as s
from cxm.engine.runtime.compiler import Compiled, CompiledBase, encode
from cxm.facts.vocabulary import Value


class _Bare(s._Run):
    """The engine's session without its recording: an action asserts its new conclusions, nothing else."""

    def __init__(self, *args: Any):
        super().__init__(*args)
        self.asserted: set[str] = set()

    def fire(self, compiled: Compiled, matched: dict[str, Any]) -> None:
        asserted = self.asserted
        plan = compiled.__dict__.get("_plan") or self.plan(compiled)
        for conclusion, value, _readable, fact_id in plan:
            if fact_id is None:
                value = self.value(conclusion, compiled, matched)
                fact_id = f"{conclusion.fact}={self.kb.decode(conclusion.fact, value)}"
            if fact_id in asserted:
                continue
            asserted.add(fact_id)
            text = s._fact_text(fact_id, conclusion.fact, value, self.sid)
            for net in self.base.route(conclusion.fact):
                if not self.opened[net]:
                    self.open(net)
                _, state = hosting.core().assert_fact(self.handles[net], text)
                if net != self.current:
                    self.states[net] = state
                    self.waiting.add(net)


def run(kb: KnowledgeBase, base: CompiledBase, inputs: dict[str, Value]) -> set[str]:
    """One session as :func:`cxm.engine.runtime.session.run` drives it, without recording; the ids of the facts
    concluded."""
    with hosting.LOCK:
        handles = s.prepare(base)
        c = hosting.core()
        sid = str(next(s._SIDS))
        session = _Bare(kb, base, handles, sid)
        try:
            batches: list[list[dict[str, Any]]] = [[] for _ in handles]
            for path, value in inputs.items():
                fact = {"id": f"in:{path}", "sid": sid, "name": path, "value": encode(kb.specs[path], value), "k": 1}
                for net in base.route(path):
                    batches[net].append(fact)
            for net, batch in enumerate(batches):
                if batch or net in base.eager:
                    session.open(net)
                    session.flush()
                if batch:
                    session.settle(net, c.assert_facts(handles[net], s._dumps(batch)), "the input facts")
            for phase in base.phases:
                control = s._dumps(
                    {"id": f"phase:{phase[0]}:{phase[1]}", "sid": sid, "phase": phase[0], "group": phase[1]}
                )
                session.phases.append((phase, control))
                for net in base.controls(phase):
                    if session.opened[net]:
                        result = session.control(net, phase, control)
                        if result is not None:
                            with contextlib.suppress(s._NotHandled):
                                session.settle(net, result, "a phase")
        finally:
            for net, handle in enumerate(handles):
                if session.opened[net]:
                    with contextlib.suppress(Exception):
                        c.delete_state(handle, sid)
        if session.errors:
            raise RuntimeError("\n".join(session.errors))
        return session.asserted
