"""What the compiler makes of a knowledge base: each durable rule with what its action records (:class:`Compiled`),
and the rulesets of the whole base (:class:`CompiledBase`), kept as the JSON text durable-rules' C core reads."""

from __future__ import annotations

import json
from dataclasses import field
from typing import Any

from cxm.engine.knowledge.base import Rule
from cxm.facts.record import record


@record
class Compiled:
    """One durable rule and what the action needs to record a firing (its definition is in
    :attr:`CompiledBase.ruleset`)."""

    name: str
    rule: Rule
    branch: int
    aliases: dict[str, str] = field(default_factory=dict)  # positive alias -> fact name
    source_alias: dict[str, str] = field(default_factory=dict)  # fact name -> first alias matching it


@record
class CompiledBase:
    """The compiled rulesets of a knowledge base.

    Each network is kept as the JSON text durable-rules' C core reads (:attr:`texts`, without the rules'
    ``run``): that is all an assessment needs, and a string is quick to store and to read back from the
    cache. :attr:`ruleset` gives the definitions as data, parsed when first asked for.
    """

    name: str
    rules: dict[str, Compiled]
    phases: list[tuple[int, int]]  # (stratum, group) control facts, asserted in this order
    texts: dict[str, str]  # network name -> its rules as the C core's JSON; the first is named ``name``
    routes: dict[str, tuple[int, ...]] = field(default_factory=dict)  # fact -> networks testing it (if several)
    phase_nets: dict[tuple[int, int], tuple[int, ...]] = field(default_factory=dict)  # phase -> its networks
    eager: tuple[int, ...] = (0,)  # networks opened in every session; the others when a fact they test arrives

    @property
    def ruleset(self) -> dict[str, dict[str, Any]]:
        """durable-rules rulesets (networks) by name, each rule's definition with its ``run`` (its own name)."""
        parsed = self.__dict__.get("_parsed")
        if parsed is None:
            parsed = self.__dict__["_parsed"] = {
                net: {rule: {**definition, "run": rule} for rule, definition in json.loads(text).items()}
                for net, text in self.texts.items()
            }
        return parsed

    @ruleset.setter
    def ruleset(self, value: dict[str, dict[str, Any]]) -> None:
        self.texts = {net: _text(body) for net, body in value.items()}
        self.__dict__["_parsed"] = value

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_parsed"}

    def definition(self, rule: str) -> dict[str, Any]:
        """A compiled rule's durable-rules definition (its patterns under ``all``, and ``run``)."""
        return next(body[rule] for body in self.ruleset.values() if rule in body)

    def route(self, fact: str) -> tuple[int, ...]:
        """The networks a fact is asserted into: those that test it (the only one, for a single network)."""
        return self.routes.get(fact, _FIRST)

    def controls(self, phase: tuple[int, int]) -> tuple[int, ...]:
        """The networks holding rules of a phase (group), which its control fact is asserted into."""
        return self.phase_nets.get(phase, _FIRST)


_FIRST = (0,)


def _text(body: dict[str, Any]) -> str:
    """A network's rules as the JSON the C core reads (without ``run``, which it would refuse)."""
    return json.dumps(
        {rule: {k: v for k, v in definition.items() if k != "run"} for rule, definition in body.items()},
        ensure_ascii=False,
    )
