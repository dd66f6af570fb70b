"""Fixed terms of the rule language, shared by the rule-file schema and the loaded knowledge base."""

from enum import StrEnum
from typing import Any, ClassVar

from cxm.facts.record import record


class Status(StrEnum):
    """Lifecycle of a rule: drafts and active rules run, deprecated ones do not."""

    DRAFT = "draft"
    ACTIVE = "active"
    DEPRECATED = "deprecated"


class Scale(StrEnum):
    """Effort and cost of a recommendation."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Kind(StrEnum):
    """Where a recommendation sits: a key decision, an action serving it, a tool carrying an action."""

    DECISION = "decision"
    ACTION = "action"
    TOOL = "tool"


@record(kw_only=True)
class Bilingual:
    """A text shown to users, in English and Russian."""

    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid", "use_attribute_docstrings": True}

    en: str
    ru: str
