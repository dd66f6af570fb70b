"""`why`: the derivation tree of a conclusion, from what durable-rules fired, down to input facts."""

from __future__ import annotations

from cxm.engine.knowledge.base import KnowledgeBase
from cxm.engine.results.chains import input_fact
from cxm.engine.results.result import RuleRef, Why, WhyNode
from cxm.engine.runtime.session import Trace
from cxm.facts.source import Document


def rule_ref(kb: KnowledgeBase, rule_id: str) -> RuleRef:
    rule = kb.rule(rule_id)
    return RuleRef(id=rule.id, title=rule.title, because=rule.because, source=rule.source, location=rule.location)


def tree(kb: KnowledgeBase, trace: Trace, doc: Document, fact_id: str) -> WhyNode:
    """The derivation of ``fact_id``; a fact explained earlier in the tree is marked ``repeated``."""
    seen: set[str] = set()

    def node(fid: str) -> WhyNode:
        record = trace.facts[fid]
        if record.input:
            return WhyNode(
                fact=fid,
                name=record.name,
                value=record.value,
                input=input_fact(doc, record.name, record.value),
                rule=None,
                children=[],
            )
        firing = trace.firings[record.by[0]]
        if fid in seen:
            return WhyNode(
                fact=fid,
                name=record.name,
                value=record.value,
                input=None,
                rule=rule_ref(kb, firing.rule),
                children=[],
                repeated=True,
            )
        seen.add(fid)
        children = [node(m) for m in firing.matched]
        return WhyNode(
            fact=fid,
            name=record.name,
            value=record.value,
            input=None,
            rule=rule_ref(kb, firing.rule),
            children=children,
        )

    return node(fact_id)


def why(kb: KnowledgeBase, trace: Trace, doc: Document, target: str, fact_id: str) -> Why:
    return Why(target=target, file=doc.file, tree=tree(kb, trace, doc, fact_id))
