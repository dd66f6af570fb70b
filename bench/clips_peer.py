"""The fair peer: the compiled rule base translated into CLIPS (clipspy), run as CLIPS runs it.

Every durable rule the engine compiles (``CompiledBase.ruleset``, each alternative of each rule, in every
network) becomes one CLIPS ``defrule`` with the same patterns: its phase's control fact where the compiled
rule waits for one, a pattern per matched fact with the same tests, a ``not`` per absence. Facts are
``(f (name N) (value V) (items ...))`` (a list's values are its items; ordered enums are ranks, as in the
engine). An action asserts the rule's conclusions, a ``by`` fact (which rule concluded which fact) and a
``fired`` fact keyed by the rule's alternative and the sorted indexes of the facts it matched, which CLIPS keeps
once: each alternative that holds is one firing, as the engine records them (an ``in`` test's several matches of
the same facts count once). A session
asserts the inputs and runs, then asserts each phase's control fact and runs, as the engine does.

Needs ``pip install -e '.[bench]'`` (clipspy); never a dependency of the product.

    python bench/clips_peer.py [--count 2000]   # agreement with the engine on the examples and generated companies
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if not __package__:  # run as a script: the repository root holds the bench package
    sys.path.insert(0, str(ROOT))

import clips  # noqa: E402

from cxm.engine.knowledge.base import KnowledgeBase  # noqa: E402
from cxm.engine.language.conclusions import Copy, Sum  # noqa: E402
from cxm.engine.results.summary import Summary, summarize  # noqa: E402
from cxm.engine.runtime.compiler import CompiledBase, encode  # noqa: E402
from cxm.engine.runtime.session import FactRecord, FiringRecord, Trace  # noqa: E402
from cxm.facts.vocabulary import Value  # noqa: E402

_CMP = {"$gte": ">=", "$lte": "<=", "$gt": ">", "$lt": "<"}

PRELUDE = """
(deftemplate f (slot name) (slot value) (multislot items))
(deftemplate p (slot phase) (slot group))
(deftemplate fired (slot rule) (multislot ids))
(deftemplate by (slot rule) (slot name) (slot value))
(deffunction same (?a ?b) (if (and (numberp ?a) (numberp ?b)) then (= ?a ?b) else (eq ?a ?b)))
(deffunction total ($?xs) (bind ?t 0) (foreach ?x ?xs (bind ?t (+ ?t ?x))) ?t)
(deffunction load-inputs ($?a) (bind ?n 1) (bind ?len (length$ ?a)) (while (<= ?n ?len) (bind ?k (nth$ (+ ?n 1) ?a)) \
 (if (= ?k 0) then (assert (f (name (nth$ ?n ?a)) (value (nth$ (+ ?n 2) ?a)))) (bind ?n (+ ?n 3)) \
 else (assert (f (name (nth$ ?n ?a)) (value LIST) (items (subseq$ ?a (+ ?n 2) (+ ?n ?k))))) (bind ?n (+ ?n 1 ?k)))))
(deffunction conclusions ($?names) (bind ?out (create$)) \
 (do-for-all-facts ((?b by)) (member$ ?b:name ?names) (bind ?out (create$ ?out ?b:rule ?b:name ?b:value))) ?out)
"""


def literal(value: Any) -> str:
    """A JSON value of the compiled rules as a CLIPS constant (true and false are the symbols TRUE and FALSE)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raise ValueError(f"no CLIPS constant for {value!r}")


def _equal(left: str, value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"(and (numberp {left}) (= {left} {literal(value)}))"
    return f"(eq {left} {literal(value)})"


class _Rule:
    """One durable rule's definition written as a CLIPS defrule."""

    def __init__(self, translator: Translator, name: str, definition: dict[str, Any]):
        self.t, self.name, self.definition = translator, name, definition
        self.vars: dict[str, str] = {}  # alias -> the variable its value is bound to
        self.locals = 0

    def operand(self, operand: Any, var: str) -> str:
        """The right-hand side of a test: a constant, another fact's value (``{alias: "value"}``) or a sum."""
        if isinstance(operand, dict):
            if "$add" in operand:
                add = operand["$add"]
                return f"(+ {self.operand(add['$l'], var)} {self.operand(add['$r'], var)})"
            ((alias, attr),) = operand.items()
            if attr != "value":
                raise ValueError(f"{self.name}: a reference to {attr!r}")
            return self.vars[alias]
        return literal(operand)

    def expr(self, test: dict[str, Any], var: str) -> str | None:
        """A test of one pattern as a CLIPS boolean expression on ``var`` (the fact's value); None: always holds."""
        ((op, arg),) = test.items()
        if op == "$and":
            parts = [p for p in (self.expr(x, var) for x in arg) if p is not None]
            return None if not parts else parts[0] if len(parts) == 1 else f"(and {' '.join(parts)})"
        if op == "$or":
            parts = [self.expr(x, var) or "TRUE" for x in arg]
            return parts[0] if len(parts) == 1 else f"(or {' '.join(parts)})"
        if op == "$iany":
            ((_, inner),) = arg.items()
            return f"({self.t.iany(inner)} {var}_i)"
        if op in ("value", "$i"):
            return _equal(var, arg) if not isinstance(arg, dict) else f"(same {var} {self.operand(arg, var)})"
        ((attr, rhs),) = arg.items()
        if attr == "k":  # the compiler's guards on k (always 1): "k != k + 0.5" always holds, "k < 0" never
            if op == "$neq":
                return None
            if op == "$lt" and rhs == 0:
                return "FALSE"
            raise ValueError(f"{self.name}: a test of k: {test}")
        if attr not in ("value", "$i"):
            raise ValueError(f"{self.name}: a test of {attr!r}")
        if op == "$neq":
            return f"(not {self.expr({attr: rhs}, var)})"
        if op == "$eq":
            return self.expr({attr: rhs}, var)
        return f"({_CMP[op]} {var} {self.operand(rhs, var)})"

    def pattern(self, alias: str, expr: dict[str, Any], negated: bool) -> str:
        if alias == "p":  # the control fact of a phase
            phase, group = expr["$and"]
            return f"(p (phase {phase['phase']}) (group {group['group']}))"
        parts = expr.get("$and", [expr])
        name = next(p["name"] for p in parts if "name" in p)
        self.locals += 1
        var = f"?n{self.locals}" if negated else f"?{alias}"
        items, values = [], []
        for part in parts:
            if "name" in part:
                continue
            text = self.expr(part, var)
            if text is not None:
                (items if "$iany" in part else values).append(text)
        value = f"{var}&:{values[0] if len(values) == 1 else '(and ' + ' '.join(values) + ')'}" if values else var
        item = f"${var}_i&:{items[0] if len(items) == 1 else '(and ' + ' '.join(items) + ')'}" if items else f"${var}_i"
        if not negated:
            self.vars[alias] = var
        # items before value: a value test may not use the items, an items test uses only its own variable
        text = f"(f (name {literal(name)}) (items {item}) (value {value}))"
        return f"(not {text})" if negated else f"?{alias}_f <- {text}"

    def write(self) -> str:
        compiled = self.t.base.rules[self.name]
        lhs = []
        for pattern in self.definition["all"]:
            ((alias, expr),) = pattern.items()
            negated = alias.endswith("$not")
            lhs.append(self.pattern(alias.removesuffix("$not"), expr, negated))
        rule = compiled.rule
        ids = " ".join(f"(fact-index ?{a}_f)" for a in compiled.aliases)
        rhs = [
            f"(assert (fired (rule {literal(self.name)}) (ids (sort > {ids}))))"
            if ids
            else f"(assert (fired (rule {literal(self.name)})))"
        ]
        for conclusion in rule.conclusions:
            spec = conclusion.value
            if isinstance(spec, Copy):
                source = self.vars[compiled.source_alias[spec.fact]]
                value = source if not spec.plus else f"(+ {source} {literal(spec.plus)})"
            elif isinstance(spec, Sum):
                terms = " ".join(
                    f"(expand$ {self.vars[compiled.source_alias[f]]}_i)"
                    if self.t.kb.specs[f].kind == "list"
                    else self.vars[compiled.source_alias[f]]
                    for f in spec.facts
                )
                value = f"(total {terms})"
            else:
                value = literal(encode(self.t.kb.specs[conclusion.fact], spec))
            fact = literal(conclusion.fact)
            rhs.append(
                f"(bind ?c {value}) (assert (f (name {fact}) (value ?c))) "
                f"(assert (by (rule {literal(rule.id)}) (name {fact}) (value ?c)))"
            )
        return f"(defrule {literal(self.name)[1:-1].replace('#', '--')}\n  {' '.join(lhs)}\n  =>\n  {' '.join(rhs)})"


class Translator:
    """The CLIPS constructs of a compiled rule base."""

    def __init__(self, kb: KnowledgeBase, base: CompiledBase):
        self.kb, self.base = kb, base
        self.functions: dict[str, str] = {}  # the test of an $iany -> the deffunction that applies it to the items

    def iany(self, inner: dict[str, Any]) -> str:
        key = json.dumps(inner, sort_keys=True)
        name = self.functions.get(key)
        if name is None:
            name = f"iany-{len(self.functions)}"
            test = _Rule(self, name, {}).expr(inner, "?i")
            self.functions[key] = name
            self._defs.append(
                f"(deffunction {name} ($?items) (foreach ?i ?items (if {test} then (return TRUE))) FALSE)"
            )
        return name

    def constructs(self) -> list[str]:
        """Every construct, functions before the rules that call them."""
        self._defs: list[str] = []
        rules = [
            _Rule(self, name, definition).write()
            for body in self.base.ruleset.values()
            for name, definition in body.items()
            if name in self.base.rules
        ]
        return [PRELUDE, *self._defs, *rules]


def _python(value: Any) -> Any:
    """A CLIPS value back in Python (TRUE and FALSE are booleans; a string stays a string)."""
    if isinstance(value, clips.Symbol):
        return {"TRUE": True, "FALSE": False}.get(str(value), str(value))
    if isinstance(value, str):
        return str(value)
    return value


class ClipsPeer:
    """A CLIPS environment holding the translated rule base; one company at a time.

    A session is one call of the deffunction ``session`` (reset, the inputs, run, each phase's control fact
    and run), the inputs passed as its arguments: CLIPS parsing an ``assert`` of 51 facts from text costs
    3.6 ms, ten times the session itself.
    """

    def __init__(self, kb: KnowledgeBase, base: CompiledBase):
        self.kb, self.base = kb, base
        self.env = clips.Environment()
        for construct in Translator(kb, base).constructs():
            for text in construct.strip().splitlines() if construct is PRELUDE else [construct]:
                self.env.build(text)
        phases = " ".join(f"(assert (p (phase {s}) (group {g}))) (run)" for s, g in base.phases)
        self.env.build(
            "(deffunction session ($?a) (reset) (load-inputs $?a) (run) "
            + phases
            + " (length$ (find-all-facts ((?x fired)) TRUE)))"
        )
        self._session = self.env.find_function("session")
        self._conclusions = self.env.find_function("conclusions")
        self.wanted = [
            "stage",
            "recommendation",
            "held_back",
            "weakest",
            "level_floored",
            "level_capped",
            *(f"level.{c.id}" for c in kb.competencies),
        ]  # what engine/results/summary.py reads
        self.rules = sum(1 for _ in self.env.rules())

    def _arguments(self, inputs: dict[str, Value]) -> list[Any]:
        """The inputs as ``load-inputs`` reads them: name, 0, value; or name, 1 + the number of items, the items."""
        specs, out = self.kb.specs, []
        for path, value in inputs.items():
            v = encode(specs[path], value)
            if isinstance(v, list):
                out += [path, len(v) + 1, *v]
            else:
                out += [path, 0, (_TRUE if v else _FALSE) if isinstance(v, bool) else v]
        return out

    def infer(self, inputs: dict[str, Value]) -> int:
        """One session; the number of firings."""
        return self._session(*self._arguments(inputs))

    def trace(self, inputs: dict[str, Value]) -> tuple[Trace, int]:
        """A session's concluded facts as the engine's trace holds them (each with the rules that concluded it,
        one stand-in firing per rule and fact) and the number of firings."""
        fired = self.infer(inputs)
        facts: dict[str, FactRecord] = {}
        firings: list[FiringRecord] = []
        for p, v in inputs.items():
            facts[f"in:{p}"] = FactRecord(f"in:{p}", p, v, True)
        decode = self.kb.decode
        for fact in self.env.facts():
            if fact.template.name == "by":
                name = str(fact["name"])
                readable = decode(name, _python(fact["value"]))
                fid = f"{name}={readable}"
                record = facts.get(fid)
                if record is None:
                    record = facts[fid] = FactRecord(fid, name, readable, False)
                firings.append(FiringRecord(len(firings), str(fact["rule"]), 0, 0, [], [fid], []))
                record.by.append(len(firings) - 1)
        return Trace(facts, firings), fired

    def summarize(self, inputs: dict[str, Value], company: str = "") -> Summary:
        """The lean result: one session, then only the conclusions a summary reads (the engine's summary of them)."""
        self.infer(inputs)
        found = self._conclusions(*self.wanted)
        facts: dict[str, FactRecord] = {}
        firings: list[FiringRecord] = []
        decode = self.kb.decode
        for n in range(0, len(found), 3):
            name = str(found[n + 1])
            readable = decode(name, _python(found[n + 2]))
            fid = f"{name}={readable}"
            record = facts.get(fid)
            if record is None:
                record = facts[fid] = FactRecord(fid, name, readable, False)
            record.by.append(len(firings))
            firings.append(FiringRecord(len(firings), str(found[n]), 0, 0, [], [], []))
        return summarize(self.kb, Trace(facts, firings), company)


_TRUE, _FALSE = clips.Symbol("TRUE"), clips.Symbol("FALSE")


def compare(engine: Any, peer: ClipsPeer, loaded: Any) -> list[str]:
    """What differs between the engine and CLIPS for one company: stage, levels, recommendations, held-back ids,
    firings (empty when they agree)."""
    from cxm.facts.vocabulary import flatten

    flat = flatten(loaded.data)
    trace = engine.run(loaded)
    ours = summarize(engine.kb, trace, loaded.company)
    theirs_trace, fired = peer.trace(flat)
    theirs = summarize(engine.kb, theirs_trace, loaded.company)
    out = []
    for field in ("stage", "levels", "recommendations", "held_back"):
        if getattr(ours, field) != getattr(theirs, field):
            out.append(f"{field}: engine {getattr(ours, field)}, CLIPS {getattr(theirs, field)}")
    if peer.summarize(flat, loaded.company) != theirs:
        out.append("CLIPS's lean result differs from its trace's summary")
    if len(trace.firings) != fired:
        out.append(f"firings: engine {len(trace.firings)}, CLIPS {fired}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000, help="generated companies to compare")
    args = parser.parse_args()
    from cxm.engine.services.api import Engine
    from cxm.facts import generate
    from cxm.facts.load import load_facts, validate
    from cxm.facts.source import Document

    engine = Engine()
    peer = ClipsPeer(engine.kb, engine.compiled)
    examples = [load_facts(p) for p in sorted((ROOT / "facts" / "examples").glob("*.yaml"))]
    generated = [validate(Document(f"<profile {n}>", d)) for n, d in enumerate(generate.profiles(args.count))]
    bad = 0
    for loaded in [*examples, *generated]:
        diff = compare(engine, peer, loaded)
        if diff:
            bad += 1
            if bad <= 5:
                print(f"{loaded.company}: " + "; ".join(diff))
    print(json.dumps({"rules": peer.rules, "examples": len(examples), "generated": len(generated), "differ": bad}))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
