"""The report's appendix in sentences, and its sources as full citations.

Each recommendation is explained the way a consultant would say it: why it is made (the reason of the rule
that made it, with its source), then what that rests on: the recommendation it serves, the company's stage or
a competency's level, or a fact about the company, named by what it means, with its line in the facts file.
Sources are cited by number; :data:`SOURCES` holds the full citations the report ends with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cxm.cli.i18n import translator
from cxm.engine.services.toolkit import DERIVED

LABELS: dict[str, dict[str, str]] = {
    "made_because": {"en": "Recommended because: {because}", "ru": "Почему рекомендовано: {because}"},
    "rule_source": {"en": "Rule {rule}; source: {source}.", "ru": "Правило {rule}; источник: {source}."},
    "rests_on": {"en": "This rests on:", "ru": "Основания:"},
    "serves": {
        "en": "the {kind} “{title}” ({number}) is recommended",
        "ru": "рекомендовано: {kind} «{title}» ({number})",
    },
    "stage": {"en": "the company is at the {stage} stage", "ru": "компания находится на стадии «{stage}»"},
    "level": {"en": "{competency} is at level {level} of 6", "ru": "уровень компетенции «{competency}» — {level} из 6"},
    "derived": {
        "en": "{about}: {value} (concluded by the rule {rule})",
        "ru": "{about}: {value} (вывод правила {rule})",
    },
    "input": {
        "en": "{about}: {value} (line {line} of the facts file)",
        "ru": "{about}: {value} (строка {line} файла фактов)",
    },
    "default": {
        "en": "{about}: {value} (not in the facts file, so taken as not in place)",
        "ru": "{about}: {value} (нет в файле фактов, поэтому принято, что этого нет)",
    },
    "decision": {"en": "key decision", "ru": "ключевое решение"},
    "action": {"en": "action", "ru": "действие"},
    "tool": {"en": "tool", "ru": "инструмент"},
    "yes": {"en": "yes", "ru": "да"},
    "no": {"en": "no", "ru": "нет"},
    "nothing": {"en": "none", "ru": "нет"},
    "source_only": {"en": "Source: {source}.", "ru": "Источник: {source}."},
    "concluded": {"en": "{said} (the assessment's conclusion)", "ru": "{said} (вывод оценки)"},
    "input_client": {"en": "{said} (as the company's data say)", "ru": "{said} (по данным компании)"},
    "default_client": {
        "en": "{said} (not given, so taken as not in place)",
        "ru": "{said} (не указано, поэтому считаем, что этого нет)",
    },
    "article": {"en": "Article", "ru": "Статья"},
    "company": {"en": "company", "ru": "компания"},
    "temkin": {"en": "Temkin Group, description of the {stage} stage", "ru": "Temkin Group, описание стадии «{stage}»"},
    "temkin_model": {"en": "Temkin Group maturity model", "ru": "модель зрелости Temkin Group"},
    "project_tool": {"en": "a tool of the cx-maturity method", "ru": "инструмент метода cx-maturity"},
    "project": {"en": "the cx-maturity method", "ru": "метод cx-maturity"},
    "law_by_country": {"en": "personal-data law by country", "ru": "закон о персональных данных по стране компании"},
    "criteria": {"en": "article, criteria of the competency", "ru": "статья, критерии компетенции"},
}

label = translator(LABELS)


@dataclass(frozen=True)
class Citation:
    """A source the rules cite, recognised by the words its source texts start with."""

    number: int
    marks: tuple[str, ...]
    text: dict[str, str]


SOURCES: tuple[Citation, ...] = (
    Citation(
        1,
        ("article",),
        {
            "en": "Irina Kozhemyakina (management consulting group “Upravlencheskaya praktika”), «Достижение "
            "следующего уровня сервисной зрелости укрепляет зрелость всей компании» (“Reaching the next level of "
            "service maturity strengthens the maturity of the whole company”), consultancy article in Russian "
            "applying the Temkin Group model to three client companies (cited as “article, company N”). The copy "
            "the knowledge base was built from names no journal or date; it quotes 2021 survey figures.",
            "ru": "Ирина Кожемякина (КГ «Управленческая практика»), «Достижение следующего уровня сервисной "
            "зрелости укрепляет зрелость всей компании», консультационная статья, применяющая модель Temkin "
            "Group к трём компаниям-клиентам (ссылки вида «статья, компания N»). В экземпляре, по которому "
            "построена база знаний, журнал и дата не указаны; в статье приводятся данные опросов за 2021 год.",
        },
    ),
    Citation(
        2,
        ("temkin",),
        {
            "en": "Temkin Group (from 2018 the Qualtrics XM Institute), Customer Experience Maturity model, 2014–2018 "
            "version: four competencies (Purposeful Leadership, Compelling Brand Values, Employee Engagement, "
            "Customer Connectedness) and six stages (Ignore, Explore, Mobilize, Operationalize, Align, Embed).",
            "ru": "Temkin Group (с 2018 года — Qualtrics XM Institute), модель зрелости клиентского опыта "
            "(Customer Experience Maturity), версия 2014–2018 годов: четыре компетенции (целенаправленное "
            "руководство, убедительные ценности бренда, вовлечённость сотрудников, связь с клиентами) и шесть "
            "стадий (игнорирование, исследование, мобилизация, встраивание в процессы, согласованность, "
            "укоренение).",
        },
    ),
    Citation(
        3,
        ("project", "rules/"),
        {
            "en": "cx-maturity, the method of this assessment: competency levels from evidence, score bands and stage "
            "gates, documented with its knowledge base.",
            "ru": "cx-maturity, метод этой оценки: уровни компетенций по фактам, диапазоны суммы баллов и обязательные "
            "условия стадий; описан вместе с базой знаний.",
        },
    ),
)


def cited(source: str) -> list[Citation]:
    """The citations a rule's source text refers to (each part of it, split at ';')."""
    parts = [p.strip().lower() for p in source.split(";")]
    return [c for c in SOURCES if any(p.startswith(c.marks) for p in parts)]


def with_marks(source: str) -> str:
    """A rule's source text with the numbers of its full citations: ``Article, company 1 [1]``."""
    numbers = "".join(f" [{c.number}]" for c in cited(source))
    return f"{source}{numbers}"


_ARTICLE = re.compile(r"\b(company|decision|action|tool) (\d+)")
_TEMKIN = re.compile(r"Temkin: (\w+) stage")


_LAWS = {
    "law of the republic of belarus": DERIVED["personal_data_law"]["by_99z"],
    "law of the republic of kazakhstan": DERIVED["personal_data_law"]["kz_94v"],
    "regulation (eu) 2016/679": DERIVED["personal_data_law"]["gdpr"],
}


def cite(source: str, lang: str, stages: dict[str, Any] | None = None) -> str:
    """A rule's source as the client reads it, in ``lang``: no file path, no rule id, no English in Russian."""
    out: list[str] = []
    for part in (p.strip() for p in source.split(";")):
        low = part.lower()
        if low.startswith("article") and _ARTICLE.search(part):
            out.append(
                ", ".join([label("article", lang)] + [f"{label(k, lang)} {n}" for k, n in _ARTICLE.findall(part)])
            )
        elif low.startswith("article"):
            out.append(label("criteria", lang) if "criteria" in low else label("article", lang))
        elif low.startswith("temkin"):
            m = _TEMKIN.search(part)
            stage = (stages or {}).get(m.group(1).lower()) if m else None
            out.append(label("temkin", lang, stage=getattr(stage, lang)) if stage else label("temkin_model", lang))
        elif low.startswith("project tool"):
            out.append(label("project_tool", lang))
        elif low.startswith(("project", "rules/")):
            out.append(label("project", lang))
        elif low.startswith("personal-data law by country"):
            out.append(label("law_by_country", lang))
        elif any(low.startswith(k) for k in _LAWS):
            out.append(_LAWS[next(k for k in _LAWS if low.startswith(k))][lang == "ru"] if lang == "ru" else part)
        elif lang == "en":
            out.append(re.sub(r"\s*\([^)]*rules/[^)]*\)|\S*rules/\S*", "", part).strip())
    text = "; ".join(dict.fromkeys(out))
    return text[:1].upper() + text[1:]


def _value(value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return label("yes" if value else "no", lang)
    if isinstance(value, list):
        return ", ".join(map(str, value)) or label("nothing", lang)
    return str(value)


def sentence(step: Any, report: Any, lang: str, numbers: dict[str, str], consultant: bool = False) -> str:
    """One fact a recommendation rests on, in words (``consultant``: with the rule's id and the fact's values)."""
    a = report.assessment
    if step.fact == "recommendation":
        rec = next((r for r in a.recommendations if r.id == step.value), None)
        if rec is not None:
            return label(
                "serves", lang, kind=label(rec.kind, lang), title=getattr(rec.title, lang), number=numbers[rec.id]
            )
    if step.fact == "stage":
        return label("stage", lang, stage=getattr(a.stage.name, lang))
    if step.fact.startswith("level.") and step.fact[6:] in a.levels:
        level = a.levels[step.fact[6:]]
        return label("level", lang, competency=getattr(level.name, lang), level=step.value)
    if not consultant and step.said is not None:
        said = getattr(step.said, lang).rstrip(".")
        key = "concluded" if step.rule is not None else "input_client" if step.line else "default_client"
        return label(key, lang, said=said)
    about = getattr(step.about, lang) if step.about is not None else step.fact
    about = about.rstrip(".")
    value = _value(step.value, lang)
    if step.rule is not None:
        return label("derived", lang, about=about, value=value, rule=step.rule)
    if step.line:
        return label("input", lang, about=about, value=value, line=step.line)
    return label("default", lang, about=about, value=value)


@dataclass(frozen=True)
class Explanation:
    """A recommendation's explanation in the appendix."""

    why: str
    rule: str
    rests_on: list[str]


def appendix(report: Any, lang: str, consultant: bool = False) -> dict[str, Explanation]:
    """The explanation of each recommendation, by its id (``consultant``: with rule ids and raw sources)."""
    numbers = {item.rec.id: item.number for item in report.items}
    stages = {r.id: r.name for r in report.ladder}
    out = {}
    for item in report.items:
        head = item.steps[0]
        because = item.rec.finding if item.rec.finding is not None and not consultant else head.because
        numbered = "".join(f" [{c.number}]" for c in cited(head.source or ""))
        rule = (
            label("rule_source", lang, rule=head.rule, source=with_marks(head.source or ""))
            if consultant
            else label("source_only", lang, source=cite(head.source or "", lang, stages) + numbered)
        )
        out[item.rec.id] = Explanation(
            why=label("made_because", lang, because=getattr(because, lang)),
            rule=rule,
            rests_on=[sentence(s, report, lang, numbers, consultant) for s in item.steps[1:]],
        )
    return out


def sources(report: Any, lang: str) -> list[tuple[int, str]]:
    """The full citations of the sources the report's explanations refer to, by number."""
    used = {c.number for item in report.items for s in item.steps if s.source for c in cited(s.source)}
    return [(c.number, c.text[lang]) for c in SOURCES if c.number in used]
