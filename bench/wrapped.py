"""The session as it ran before the C core was driven directly: through durable-rules' Python wrapper.

Same compiled ruleset (registered on the Host under another name), same facts, same recording. The
benchmark compares its cost with :func:`cxm.engine.runtime.session.run`, and a test checks that both
give the same trace, firing order included.
"""

from __future__ import annotations

import contextlib
import itertools
import pickle
from collections.abc import Callable
from typing import Any

from cxm.engine.base.errors import EngineError
from cxm.engine.knowledge.base import KnowledgeBase
from cxm.engine.language.conclusions import Conclusion, Copy, Sum
from cxm.engine.runtime import host as hosting
from cxm.engine.runtime.compiler import SINK, Compiled, CompiledBase, encode
from cxm.engine.runtime.session import FactRecord, FiringRecord, Trace
from cxm.facts.vocabulary import Value

SUFFIX = "_wrapped"


# durable-rules' Python wrapper: its Host, made once, and the rulesets registered on it (the product drives the C core
# directly, cxm.engine.runtime.host.handle; only this baseline uses the wrapper)
_HOST: Any = None
_REGISTERED: set[str] = set()


def _durable() -> Any:
    """The durable.engine module, or a clear error where it cannot load."""
    try:
        import durable.engine as engine
    except ImportError as exc:
        raise hosting.unavailable(exc) from None
    return engine


def _host() -> Any:
    """The process's Host, created on first use."""
    global _HOST
    with hosting.LOCK:
        if _HOST is None:
            engine = _durable()

            class _Host(engine.Host):  # type: ignore[misc, name-defined]
                resolve: Callable[[str], Callable[[Any], None]] | None = None

                def get_action(self, action_name: str) -> Callable[[Any], None]:
                    if self.resolve is None:
                        raise EngineError(f"no action for rule {action_name!r}")
                    return self.resolve(action_name)

                def _run(self) -> None:
                    # durable-rules starts two timer threads that call Ruleset.dispatch() every 0.2 s
                    # outside our lock; one once took an action from a running session ("error code:
                    # 307"). Every assessment runs synchronously inside assert_fact(s), and no rule
                    # uses timers or queued events, so the threads are not started.
                    return None

            _HOST = _Host()
        return _HOST


def _register(
    name: str,
    ruleset: dict[str, Any],
    action: Callable[[str], Callable[[Any], None]],
    where: Callable[[str], str] | None = None,
) -> Any:
    """Register a compiled ruleset once on the Host (with the anchor rule); ``action(rule_name)`` gives the callable
    for each rule. A failure is an :class:`EngineError` naming the rule durable-rules could not take."""
    with hosting.LOCK:
        h = _host()
        if name not in _REGISTERED:
            h.resolve = action
            # durable pops "run" from the dicts it is given: a deep copy (pickle: 10x faster than deepcopy)
            definitions = pickle.loads(pickle.dumps(ruleset, pickle.HIGHEST_PROTOCOL))
            for body in definitions.values():
                body[hosting.ANCHOR] = {"all": [{"cxm_a": {"cxm_start": 1}}], "run": hosting.ANCHOR}
            try:
                h.set_rulesets(definitions)
            except Exception as exc:
                rule = hosting._culprit(ruleset)
                place = (where(rule) if where else f"rule {rule!r}") if rule else f"ruleset {name!r}"
                raise hosting.engine_error(exc, f"registering the rules ({place})") from None
            _REGISTERED.add(name)
        return h


class _Run:
    def __init__(self, kb: KnowledgeBase, base: CompiledBase):
        self.kb, self.base = kb, base
        self.facts: dict[str, FactRecord] = {}
        self.firings: list[FiringRecord] = []
        self.seen: set[tuple[str, tuple[str, ...]]] = set()
        self.errors: list[str] = []

    def fire(self, compiled: Compiled, matched: dict[str, Any], closure: Any) -> None:
        rule = compiled.rule
        ids = tuple(matched[a]["id"] for a in compiled.aliases)
        # durable-rules fires a rule once per true branch of an "$or" in a pattern (an "in"): one firing of a
        # compiled rule per set of matched facts is enough. The key is the compiled rule (the alternative), not
        # the rule: two alternatives of one rule that differ only in what they test for absence match the same
        # facts, and each that holds is a firing of its own (the evaluator's answer, branch by branch)
        key = (compiled.name, tuple(sorted(ids)))
        if key in self.seen:
            return
        self.seen.add(key)
        record = FiringRecord(len(self.firings), rule.id, compiled.branch, rule.stratum, list(ids), [], [])
        self.firings.append(record)
        pending = []
        facts = self.facts
        for conclusion in rule.conclusions:
            value = self.value(conclusion, compiled, matched)
            readable = self.kb.decode(conclusion.fact, value)
            fact_id = f"{conclusion.fact}={readable}"
            found = facts.get(fact_id)
            if found is None:
                found = facts[fact_id] = FactRecord(fact_id, conclusion.fact, readable, False)
                pending.append({"id": fact_id, "name": conclusion.fact, "value": value, "k": 1})
            found.by.append(record.seq)
            record.asserted.append(fact_id)
            record.new.append(found.by[0] == record.seq)
        if pending:
            not_handled = _durable().MessageNotHandledException
            for fact in pending:
                # a fact no rule tests is rejected; nothing more follows from it
                with contextlib.suppress(not_handled):
                    closure.assert_fact(fact)

    def value(self, conclusion: Conclusion, compiled: Compiled, matched: dict[str, Any]) -> Any:
        """The engine value a conclusion asserts (copied or added up from the matched facts)."""
        spec = conclusion.value
        if isinstance(spec, Copy):
            return matched[compiled.source_alias[spec.fact]]["value"] + spec.plus
        if isinstance(spec, Sum):
            total = 0
            for name in spec.facts:
                v = matched[compiled.source_alias[name]]["value"]
                total += sum(v) if isinstance(v, list) else v
            return total
        return encode(self.kb.specs[conclusion.fact], spec)


_RUNS: dict[str, _Run] = {}
_SIDS = itertools.count(1)


def _action(name: str) -> Any:
    if name in (SINK, hosting.ANCHOR):
        return lambda c: None

    def act(c: Any) -> None:
        run = _RUNS.get(c.s.sid)
        if run is None:
            return
        compiled = run.base.rules.get(name)
        try:
            if compiled is None:
                raise KeyError(f"no compiled rule {name!r}")
            run.fire(compiled, c._m, c)
        except Exception as exc:  # recorded and raised after the session; never into durable
            where = compiled.rule.location if compiled else "?"
            rule = compiled.rule.id if compiled else name
            run.errors.append(f"{where}: rule {rule!r} failed while firing: {type(exc).__name__}: {exc}")

    return act


def run(kb: KnowledgeBase, base: CompiledBase, inputs: dict[str, Value]) -> Trace:
    """Assess one company's flattened facts; the session is deleted afterwards."""
    engine = _durable()
    with hosting.LOCK:
        name = base.name + SUFFIX
        host = _register(name, {name: base.ruleset[base.name]}, _action, where=lambda n: _where(base, n))
        sid = str(next(_SIDS))
        session = _Run(kb, base)
        _RUNS[sid] = session
        try:
            _check(host.assert_fact(name, {**hosting.START, "sid": sid}), session)
            batch = []
            for path, value in inputs.items():
                fact_id = f"in:{path}"
                session.facts[fact_id] = FactRecord(fact_id, path, value, True)
                batch.append({"id": fact_id, "sid": sid, "name": path, "value": encode(kb.specs[path], value), "k": 1})
            # one call for all inputs; the compiled "sink" rule accepts every fact, so none is rejected
            _check(host.assert_facts(name, batch), session)
            for phase, group in base.phases:
                control = {"id": f"phase:{phase}:{group}", "sid": sid, "phase": phase, "group": group}
                try:
                    _check(host.assert_fact(name, control), session)
                except engine.MessageNotHandledException:
                    continue
        except EngineError:
            raise
        except Exception as exc:
            raise hosting.engine_error(exc, f"running ruleset {base.name!r}{_after(session)}") from None
        finally:
            del _RUNS[sid]
            with contextlib.suppress(Exception):
                host.delete_state(name, sid)
        if session.errors:
            raise EngineError("\n".join(session.errors))
        return Trace(session.facts, session.firings)


def _check(state: Any, session: _Run) -> None:
    if isinstance(state, dict) and "exception" in state:
        error = hosting.engine_error(str(state["exception"]), f"running the rules{_after(session)}")
        session.errors.append(str(error))


def _where(base: CompiledBase, name: str) -> str:
    """A durable rule's name as the user knows it: the rule id and where it is written."""
    compiled = base.rules.get(name)
    return f"rule {compiled.rule.id!r} at {compiled.rule.location}" if compiled else f"rule {name!r}"


def _after(session: _Run) -> str:
    if not session.firings:
        return ""
    rule = session.firings[-1].rule
    try:
        return f", after rule {rule!r} ({session.kb.rule(rule).location}) fired"
    except KeyError:
        return f", after rule {rule!r} fired"
