"""One assessment = one durable-rules session: assert the facts, run the phases, record every firing.

Actions never raise into durable-rules (it would swallow the error, and a later
call may crash the process): each action records what it matched and asserted,
and any failure is kept and reported once the session is over, naming the rule.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from cxm.engine.base.errors import EngineError
from cxm.engine.knowledge.base import KnowledgeBase
from cxm.engine.language.conclusions import Conclusion, Copy, Sum
from cxm.engine.runtime import host as hosting
from cxm.engine.runtime.compiler import SINK, Compiled, CompiledBase, encode
from cxm.facts.record import record
from cxm.facts.vocabulary import Value


@dataclass
class FactRecord:
    """A fact of the session: an input (with its place in the file) or a conclusion."""

    id: str
    name: str
    value: Value
    input: bool
    by: list[int] = field(default_factory=list)  # firings that concluded it


@dataclass
class FiringRecord:
    """One rule firing as durable-rules ran it."""

    seq: int
    rule: str
    branch: int
    stratum: int
    matched: list[str]
    asserted: list[str]
    new: list[bool]


@record
class Trace:
    """Everything a session produced, in the order it happened."""

    facts: dict[str, FactRecord]
    firings: list[FiringRecord]


# A bound on the firings of one session, in defence of a rule base that chains without end (the loader
# refuses values computed from themselves; this catches what it cannot see). The built-in rules fire
# about 100 times per assessment; a knowledge base 25 times as large, about 2,500.
MAX_FIRINGS = 20_000

_NOT_HANDLED, _OBSERVED = 1, 2  # result codes of the C core's assert calls (besides 0, done)
_dumps = json.JSONEncoder(ensure_ascii=False).encode  # the bytes durable-rules' wrapper would send
_scan = json.decoder.JSONDecoder().scan_once  # type: ignore[attr-defined]  # the C scanner json.loads ends in, without its Python layers


def _loads(text: str) -> Any:
    """A message of the C core (a JSON object, nothing around it), as json.loads reads it."""
    try:
        value, end = _scan(text, 0)
    except StopIteration:
        return json.loads(text)
    return value if end == len(text) else json.loads(text)


class _Run:
    def __init__(self, kb: KnowledgeBase, base: CompiledBase, handles: list[int], sid: str):
        self.kb, self.base, self.handles, self.sid = kb, base, handles, sid
        self.current = 0  # the network whose actions are being taken
        self.states: list[int] = [0] * len(handles)  # each network's state of this session
        self.waiting: set[int] = set()  # other networks a firing asserted facts into
        self.opened: list[bool] = [False] * len(handles)  # networks this session has asserted facts into
        self.controlled: list[set[tuple[int, int]]] = [set() for _ in handles]  # phases asserted, by network
        self.phases: list[tuple[tuple[int, int], str]] = []  # control facts so far, in order
        self.start = _dumps({**hosting.START, "sid": sid})
        self.facts: dict[str, FactRecord] = {}
        self.firings: list[FiringRecord] = []
        self.seen: set[tuple[str, tuple[str, ...]]] = set()
        self.errors: list[str] = []
        self.stopped = False

    def settle(self, net: int, result: tuple[int, int], what: str) -> None:
        """Run every action an assertion into network ``net`` made ready, then those of the networks it fed."""
        code, state = result
        if code == _NOT_HANDLED:
            raise _NotHandled(what)
        if code == _OBSERVED:
            raise EngineError(f"the rule engine failed while asserting {what}: the fact was already there")
        self.states[net] = state
        self.drain(net)
        self.flush()

    def flush(self) -> None:
        """Take the ready actions of every network facts were forwarded to, until none is left."""
        while self.waiting:
            other = min(self.waiting)
            self.waiting.discard(other)
            self.drain(other)

    def open(self, net: int) -> None:
        """Make a network part of this session: the start fact (its anchor rule) and the phases so far.

        Its ready actions are taken with those of the other networks facts were forwarded to.
        """
        if self.opened[net]:
            return
        self.opened[net] = True
        c, handle = hosting.core(), self.handles[net]
        self.states[net] = c.assert_fact(handle, self.start)[1]
        for phase, text in self.phases:
            self.control(net, phase, text)
        self.waiting.add(net)

    def control(self, net: int, phase: tuple[int, int], text: str) -> tuple[int, int] | None:
        """Assert a phase's control fact into a network that holds rules of it (once)."""
        if phase in self.controlled[net] or net not in self.base.controls(phase):
            return None
        self.controlled[net].add(phase)
        return hosting.core().assert_fact(self.handles[net], text)

    def drain(self, net: int) -> None:
        """Take a network's ready actions one by one, in the order the C core hands them out."""
        c = hosting.core()
        handle, state = self.handles[net], self.states[net]
        started = c.start_action_for_state(handle, state)
        if started is None:
            return
        message = started[1]
        self.current = net
        while message is not None:
            for name, matched in _loads(message).items():
                self.act(name, matched)
                break
            message = c.complete_and_start_action(handle, state)

    def act(self, name: str, matched: dict[str, Any]) -> None:
        """One action: record the firing and assert its conclusions; never raise into durable-rules."""
        if name in _SILENT:
            return
        compiled = self.base.rules.get(name)
        try:
            if compiled is None:
                raise KeyError(f"no compiled rule {name!r}")
            self.fire(compiled, matched)
        except Exception as exc:  # recorded and raised after the session; never into durable
            where = compiled.rule.location if compiled else "?"
            rule = compiled.rule.id if compiled else name
            if isinstance(exc, _Located):
                self.errors.append(f"{where}: {exc}")
            elif _RAW in str(exc):
                self.errors.append(
                    f"{where}: rule {rule!r} failed while firing: "
                    f"{hosting.engine_error(exc, 'asserting its conclusions')}"
                )
            else:
                self.errors.append(f"{where}: rule {rule!r} failed while firing: {type(exc).__name__}: {exc}")

    def fire(self, compiled: Compiled, matched: dict[str, Any]) -> None:
        rule = compiled.rule
        ids = [matched[a]["id"] for a in compiled.aliases]
        # durable-rules fires a rule once per true branch of an "$or" in a pattern (an "in"): one firing of a
        # compiled rule per set of matched facts is enough. The key is the compiled rule (the alternative), not
        # the rule: two alternatives of one rule that differ only in what they test for absence match the same
        # facts, and each that holds is a firing of its own (the evaluator's answer, branch by branch)
        key = (compiled.name, tuple(sorted(ids)))
        if key in self.seen:
            return
        self.seen.add(key)
        if len(self.firings) >= MAX_FIRINGS:
            if self.stopped:  # the actions still queued are taken, and dropped
                return
            self.stopped = True
            raise _Located(
                f"rule {rule.id!r} would fire after {MAX_FIRINGS:,} rule firings in one assessment, "
                "the engine's limit: do rules keep deriving new values from each other?"
            )
        record = FiringRecord(len(self.firings), rule.id, compiled.branch, rule.stratum, ids, [], [])
        self.firings.append(record)
        pending = []
        facts = self.facts
        plan = compiled.__dict__.get("_plan") or self.plan(compiled)
        for conclusion, value, readable, fact_id in plan:
            if fact_id is None:  # computed from the matched facts
                value = self.value(conclusion, compiled, matched)
                readable = self.kb.decode(conclusion.fact, value)
                fact_id = f"{conclusion.fact}={readable}"
            found = facts.get(fact_id)
            if found is None:
                found = facts[fact_id] = FactRecord(fact_id, conclusion.fact, readable, False)
                pending.append((fact_id, conclusion.fact, value))
            found.by.append(record.seq)
            record.asserted.append(fact_id)
            record.new.append(found.by[0] == record.seq)
        if pending:
            assert_fact, opened, route = hosting.core().assert_fact, self.opened, self.base.route
            for fact_id, name, value in pending:
                text = _fact_text(fact_id, name, value, self.sid)
                for net in route(name):
                    if not opened[net]:
                        self.open(net)
                    # a fact no rule tests is rejected (code 1); nothing more follows from it
                    code, state = assert_fact(self.handles[net], text)
                    if code == _OBSERVED:
                        raise EngineError(f"the fact {fact_id!r} was already there")
                    if net != self.current:
                        self.states[net] = state
                        self.waiting.add(net)

    def plan(self, compiled: Compiled) -> list[tuple[Conclusion, Any, Any, str | None]]:
        """A rule's conclusions with their engine value, readable value and fact id where these are fixed
        (kept on the compiled rule: the same for every session)."""
        plan: list[tuple[Conclusion, Any, Any, str | None]] = []
        for conclusion in compiled.rule.conclusions:
            if isinstance(conclusion.value, Copy | Sum):
                plan.append((conclusion, None, None, None))
            else:
                value = encode(self.kb.specs[conclusion.fact], conclusion.value)
                readable = self.kb.decode(conclusion.fact, value)
                plan.append((conclusion, value, readable, f"{conclusion.fact}={readable}"))
        compiled.__dict__["_plan"] = plan
        return plan

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


_text = json.encoder.encode_basestring  # a JSON string, as json.dumps(..., ensure_ascii=False) writes it


def _fact_text(fact_id: str, name: str, value: Any, sid: str) -> str:
    """A concluded fact as the JSON text ``_dumps`` gives for ``{id, name, value, k, sid}``, written directly."""
    kind = type(value)
    if kind is int:
        shown = int.__repr__(value)
    elif kind is bool:
        shown = "true" if value else "false"
    elif kind is str:
        shown = _text(value)
    else:
        return _dumps({"id": fact_id, "name": name, "value": value, "k": 1, "sid": sid})
    return f'{{"id": {_text(fact_id)}, "name": {_text(name)}, "value": {shown}, "k": 1, "sid": {_text(sid)}}}'


class _Located(Exception):
    """A failure of a firing whose message needs only the rule's place in front."""


class _NotHandled(Exception):
    """The C core accepted no part of a fact (only possible for a control fact no rule tests)."""


_SILENT = frozenset({SINK, hosting.ANCHOR})
_RAW = "error code:"
_RUNS: dict[str, _Run] = {}
_SIDS = itertools.count(1)


def _ruleset(base: CompiledBase, name: str) -> dict[str, Any]:
    """The definitions of one network of ``base`` (for finding the rule durable-rules refuses)."""
    return {name: base.ruleset[name]}


def prepare(base: CompiledBase) -> list[int]:
    """The C core's handles of a compiled base's networks, each created on first use (see :func:`hosting.handle`)."""
    with hosting.LOCK:
        return [
            hosting.handle(
                name, text, where=lambda rule: _where(base, rule), ruleset=functools.partial(_ruleset, base, name)
            )
            for name, text in base.texts.items()
        ]


def run(kb: KnowledgeBase, base: CompiledBase, inputs: dict[str, Value]) -> Trace:
    """Assess one company's flattened facts; the session is deleted afterwards.

    Drives the C core directly, as durable-rules' Python wrapper would: assert, then take the ready
    actions one by one (``start_action_for_state``, ``complete_and_start_action``) until none is left.
    """
    with hosting.LOCK:
        handles = prepare(base)
        c = hosting.core()
        sid = str(next(_SIDS))
        session = _Run(kb, base, handles, sid)
        _RUNS[sid] = session
        try:
            batches: list[list[dict[str, Any]]] = [[] for _ in handles]
            for path, value in inputs.items():
                fact_id = f"in:{path}"
                session.facts[fact_id] = FactRecord(fact_id, path, value, True)
                fact = {"id": fact_id, "sid": sid, "name": path, "value": encode(kb.specs[path], value), "k": 1}
                for net in base.route(path):
                    batches[net].append(fact)
            for net, batch in enumerate(batches):
                if batch or net in base.eager:
                    session.open(net)
                    session.flush()
                # one call for all inputs; the compiled "sink" rule accepts every fact, so none is rejected
                # (an empty list crashed durable-rules 2.0.28: it is not sent)
                if batch:
                    session.settle(net, c.assert_facts(handles[net], _dumps(batch)), "the input facts")
            for phase in base.phases:
                control = _dumps(
                    {"id": f"phase:{phase[0]}:{phase[1]}", "sid": sid, "phase": phase[0], "group": phase[1]}
                )
                session.phases.append((phase, control))
                for net in base.controls(phase):
                    if session.opened[net]:
                        result = session.control(net, phase, control)
                        if result is not None:
                            with contextlib.suppress(_NotHandled):
                                session.settle(net, result, "a phase")
                if session.stopped:
                    break
        except EngineError:
            raise
        except Exception as exc:
            raise hosting.engine_error(exc, f"running ruleset {base.name!r}{_after(session)}") from None
        finally:
            del _RUNS[sid]
            for net, handle in enumerate(handles):
                if session.opened[net]:
                    with contextlib.suppress(Exception):
                        c.delete_state(handle, sid)
        if session.errors:
            raise EngineError("\n".join(session.errors))
        return Trace(session.facts, session.firings)


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
