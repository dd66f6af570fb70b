"""A rule written once for many values (``for_each``): every ``<name>`` of its texts, conditions and conclusions
replaced by the value it is bound to."""

from __future__ import annotations

import re
from typing import Any

from cxm.engine.language.ruleschema import Bilingual as BilingualText
from cxm.engine.language.terms import Bilingual

_VAR = re.compile(r"<([a-z_][a-z0-9_]*)>")


def substitute(raw: Any, bindings: dict[str, Any]) -> Any:
    """``raw`` with every ``<name>`` replaced; a text that is exactly one ``<name>`` takes the value as it is
    (so ``at_least: <n>`` with ``n: 5`` compares with the number 5)."""
    if not bindings:  # a rule without for_each: nothing to substitute (keeps loading 5,000 rules fast)
        return raw
    if isinstance(raw, str):
        whole = _VAR.fullmatch(raw)
        if whole and whole.group(1) in bindings:
            return bindings[whole.group(1)]
        return _VAR.sub(lambda m: str(bindings.get(m.group(1), m.group(0))), raw)
    if isinstance(raw, list):
        return [substitute(x, bindings) for x in raw]
    if isinstance(raw, dict):
        return {str(substitute(k, bindings)): substitute(v, bindings) for k, v in raw.items()}
    return raw


def bilingual(text: BilingualText, bindings: dict[str, str] | None = None) -> Bilingual:
    """A checked rule-file text as the knowledge base holds it (with ``<name>`` filled in)."""
    if not bindings:
        return Bilingual(en=text.en, ru=text.ru)
    return Bilingual(en=str(substitute(text.en, bindings)), ru=str(substitute(text.ru, bindings)))
