"""One lint check's record: its stable code, severity and documentation in both languages."""

from __future__ import annotations

from dataclasses import dataclass

from cxm.engine.language.terms import Bilingual

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Check:
    """One lint check: its stable code, severity and documentation."""

    code: str
    severity: str
    name: str
    what: Bilingual
    why: Bilingual
    fix: Bilingual


def _b(en: str, ru: str) -> Bilingual:
    return Bilingual(en=en, ru=ru)
