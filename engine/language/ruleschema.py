"""The shape of a rule file, as pydantic models (structure only).

A rule file is a YAML mapping with any of these sections: ``model`` (stages
and competencies; one file only), ``facts`` (derived facts the rules may
conclude), ``recommendations`` (the catalogue), ``tables`` (rows that rule families and enum facts share,
so that one row holds all a case needs, e.g. a personal-data law) and ``rules``. Conditions and
conclusions are checked against the fact vocabulary afterwards
(:mod:`cxm.engine.language.conditions`, :mod:`cxm.engine.language.conclusions`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from cxm.engine.language.terms import Kind, Scale, Status

RULE_ID = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
FACT_NAME = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$"

Id = Annotated[str, StringConstraints(pattern=RULE_ID, max_length=80)]
TemplateId = Annotated[str, StringConstraints(pattern=r"^[a-z<][a-z0-9<>_]*(-[a-z0-9<>_]+)*$", max_length=80)]
FactName = Annotated[str, StringConstraints(pattern=FACT_NAME, max_length=80)]
EnumValue = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=80)]
TableName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=80)]
Row = dict[str, str | int | float | bool | list[str]]
Text = Annotated[str, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True)]


class _Strict(BaseModel):
    # built on first use: a command that never validates or dumps a model does not pay for it
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Bilingual(_Strict):
    """A text shown to users, in English and Russian, as written in a rule file.

    The loaded knowledge base holds it as :class:`cxm.engine.results.result.Bilingual`.
    """

    en: Text
    ru: Text


class StageDef(_Strict):
    """One maturity stage."""

    id: Id
    name: Bilingual
    meaning: Bilingual


class CompetencyDef(_Strict):
    """One of the four competencies."""

    id: Id
    name: Bilingual


class ModelDef(_Strict):
    """The maturity model: stages in ascending order, competencies, level range."""

    stages: list[StageDef] = Field(min_length=2)
    competencies: list[CompetencyDef] = Field(min_length=1)
    levels: Annotated[list[int], Field(min_length=2, max_length=2)] = Field(description="lowest and highest level")
    source: Text


class FactType(StrEnum):
    """The type of a derived fact."""

    ENUM = "enum"
    INT = "int"
    BOOL = "bool"


class FactDecl(_Strict):
    """A derived fact that rules may conclude and test."""

    type: FactType
    values: list[EnumValue] | None = Field(None, description="the members of an enum")
    values_from: (
        Literal["stages", "competencies"]
        | Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")]
        | None
    ) = Field(None, description="take the members from the model, or from a column of a table (TABLE.COLUMN)")
    ordered: bool = False
    many: bool = Field(False, description="true when several values may hold at once (a set)")
    description: Bilingual


class Recommendation(_Strict):
    """An entry of the recommendation catalogue."""

    id: Id
    kind: Kind
    serves: Id | None = Field(None, description="the decision an action serves, the action a tool carries")
    competency: Id
    effort: Scale
    cost: Scale
    horizon: Literal["weeks", "months", "year"] | None = Field(
        None, description="how long it takes to carry out: weeks, months or a year (decisions and actions)"
    )
    track: Literal["obligation"] | None = Field(None, description="obligation: a legal duty, apart from the plan")
    requires: list[Text] = Field(default_factory=list, description="prerequisites, in words")
    upkeep: bool = Field(
        False,
        description="true: it keeps up what is in place (at the top stage) and changes no "
        "fact, so it has no effects and is never already done",
    )
    effects: dict[FactName, Any] = Field(
        default_factory=dict, description="input facts that are true once it is carried out (see effects.py)"
    )
    title: Bilingual
    text: Bilingual
    source: Text


class Closes(_Strict):
    """The test of another rule (a rung or a gate) that a gap rule finds failing."""

    rule: TemplateId
    fact: Annotated[str, StringConstraints(pattern=r"^[a-z<][a-z0-9_<>]*(\.[a-z<][a-z0-9_<>]*)*$", max_length=80)]


class RuleDef(_Strict):
    """One production rule: when a condition holds, conclude something."""

    id: TemplateId
    title: Bilingual
    because: Bilingual
    source: Text
    status: Status = Status.ACTIVE
    priority: int = Field(50, ge=0, le=1000, description="lower comes first in what the user reads")
    aliases: list[Id] = Field(default_factory=list)
    closes: Closes | None = Field(None, description="the rung or gate test whose failure this rule derives")
    always: bool = Field(
        False,
        description="fires for every valid company (its conditions read facts every run "
        "concludes); checked over the built-in examples",
    )
    for_each: list[dict[str, str | int | float | bool]] | TableName | None = Field(
        None,
        description="expand the rule once per item, or per row of the named table; '<name>' stands for the "
        "item's value of name",
    )
    when: Any
    then: Any


class RuleFile(_Strict):
    """A whole rule file."""

    model: ModelDef | None = None
    facts: dict[FactName, FactDecl] = Field(default_factory=dict)
    recommendations: list[Recommendation] = Field(default_factory=list)
    tables: dict[TableName, list[Row]] = Field(default_factory=dict)
    rules: list[RuleDef] = Field(default_factory=list)
