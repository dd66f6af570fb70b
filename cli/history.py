"""`cxm history` and the `--save` of `cxm assess`: progress across re-assessments (`cxm plan`: :mod:`cxm.cli.plan`).

The database is SQLite (``cxm.engine.services.history``); by default ``history.sqlite3`` in the user's data
directory, or ``--db PATH`` (or the ``CXM_DB`` environment variable).
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import Any

import click

from cxm.cli.formats import show
from cxm.cli.i18n import translator
from cxm.cli.options import db_option, output_options
from cxm.cli.render import inline
from cxm.engine.base.text import dumps

LABELS: dict[str, dict[str, str]] = {
    "saved": {
        "en": "Saved assessment #{id} of {company} ({at}) to {path}",
        "ru": "Оценка №{id} компании {company} ({at}) сохранена в {path}",
    },
    "history": {"en": "History of {name} [{company}]", "ru": "История: {name} [{company}]"},
    "database": {"en": "Database", "ru": "База данных"},
    "columns": {"en": "#  time                  stage", "ru": "№  время                 стадия"},
    "kb": {"en": "knowledge base", "ru": "база знаний"},
    "short_leadership": {"en": "lead", "ru": "рук."},
    "short_brand": {"en": "bran", "ru": "бренд"},
    "short_employees": {"en": "empl", "ru": "сотр."},
    "short_customers": {"en": "cust", "ru": "клиен"},
    "changes": {"en": "Changes", "ru": "Изменения"},
    "between": {"en": "#{a} -> #{b} ({at})", "ru": "№{a} -> №{b} ({at})"},
    "stage": {"en": "Stage: {before} -> {after}", "ru": "Стадия: {before} -> {after}"},
    "stage_same": {"en": "Stage: {stage} (unchanged)", "ru": "Стадия: {stage} (без изменений)"},
    "level": {"en": "{name}: {before} -> {after}", "ru": "{name}: {before} -> {after}"},
    "new": {"en": "New recommendation", "ru": "Новая рекомендация"},
    "gone": {"en": "No longer recommended", "ru": "Больше не рекомендуется"},
    "kb_changed": {
        "en": "Knowledge base changed: {before} -> {after}",
        "ru": "База знаний изменилась: {before} -> {after}",
    },
    "no_change": {
        "en": "No change in stage, levels or recommendations.",
        "ru": "Стадия, уровни и рекомендации не изменились.",
    },
    "plan": {"en": "Action plan of {name} [{company}]", "ru": "План действий: {name} [{company}]"},
    "latest": {
        "en": "Latest assessment: #{id} of {count}, {at}, stage {n} {stage}",
        "ru": "Последняя оценка: №{id} из {count}, {at}, стадия {n} «{stage}»",
    },
    "current": {
        "en": "Recommendations of the latest assessment (status set by the consultant)",
        "ru": "Рекомендации последней оценки (статус задаёт консультант)",
    },
    "gap_closed": {
        "en": "Closed by a re-assessment: no longer recommended, the gap was closed",
        "ru": "Закрыто повторной оценкой: больше не рекомендуется, разрыв устранён",
    },
    "held_back": {"en": "Held back by a re-assessment", "ru": "Отложено повторной оценкой"},
    "closed_by": {"en": "closed by #{id}", "ru": "закрыто оценкой №{id}"},
    "held_by": {"en": "held back by #{id}", "ru": "отложено оценкой №{id}"},
    "why": {"en": "why", "ru": "причина"},
    "none": {"en": "(none)", "ru": "(нет)"},
    "set": {"en": "{rec}: {status}", "ru": "{rec}: {status}"},
    "parts_done": {
        "en": "Also marked done, as carried out with it ({n}):",
        "ru": "Вместе с ним отмечено как сделанное ({n}):",
    },
    "parts_open": {
        "en": "Left open under it (--alone; mark each when it is done) ({n}):",
        "ru": "Под ним остаются открытыми (--alone; отметьте каждое, когда оно будет сделано) ({n}):",
    },
    "open": {"en": "open", "ru": "открыто"},
    "done": {"en": "done", "ru": "сделано"},
    "dropped": {"en": "dropped", "ru": "отказ"},
    "closed": {"en": "closed", "ru": "закрыто"},
    "decision": {"en": "decision", "ru": "решение"},
    "action": {"en": "action", "ru": "действие"},
    "tool": {"en": "tool", "ru": "инструмент"},
}


t = translator(LABELS)


def _open(db: Path | None) -> Any:
    from cxm.engine.services.history import open_history

    return open_history(db)


def save_assessment(loaded: Any, result: Any, db: Path | None, lang: str = "en") -> None:
    """Store an assessment made by `cxm assess --save` and say where, on stderr.

    The assessment is already printed: a database that cannot take it is one line saying so, exit 1.
    """
    from cxm.cli.errors import Failure
    from cxm.cli.session import package_version
    from cxm.engine.results.result import to_data
    from cxm.engine.services.history import HistoryError
    from cxm.facts.vocabulary import plain

    try:
        history = _open(db)
        try:
            saved = history.save(plain(loaded.data), to_data(result, exclude={"trace"}), version=package_version())
        finally:
            history.close()
    except HistoryError as exc:
        raise Failure(f"error: the assessment was printed but not saved: {exc}") from None
    click.echo(t("saved", lang, id=saved.id, company=saved.company, at=saved.at, path=history.path), err=True)


def _resolve(history: Any, company: str) -> str:
    return history.resolve(company)


def _name(result: dict[str, Any], competency: str, lang: str) -> str:
    return result["levels"][competency]["name"][lang]


def changes(before: Any, after: Any) -> dict[str, Any]:
    """What changed between two stored assessments."""
    made_before, made_after = before.recommendations, after.recommendations
    titles = {r["id"]: r["title"] for r in before.result["recommendations"] + after.result["recommendations"]}
    return {
        "from": before.id,
        "to": after.id,
        "at": after.at,
        "stage": None if before.stage == after.stage else {"before": before.stage, "after": after.stage},
        "levels": {
            c: {"before": before.levels.get(c), "after": lv}
            for c, lv in after.levels.items()
            if before.levels.get(c) != lv
        },
        "added": [{"id": r, "title": titles[r]} for r in made_after if r not in made_before],
        "removed": [{"id": r, "title": titles[r]} for r in made_before if r not in made_after],
        "knowledge_base": None
        if before.knowledge_base == after.knowledge_base
        else {"before": before.knowledge_base, "after": after.knowledge_base},
    }


@click.command()
@click.argument("company")
@db_option
@output_options
def history(company: str, db: Path | None, fmt: str, lang: str) -> None:
    """Show a company's stage and levels over time and what changed between assessments.

    COMPANY is the company's name as in its facts file (company.name) or its slug; assessments are
    stored with `cxm assess FILE --save`.

    \b
    Example:
      cxm assess facts/examples/article-1-wellness-resort.yaml --save
      cxm history "Regional wellness resort (article, company 1)"
      cxm history regional-wellness-resort-article-company-1 --format json
    """
    store = _open(db)
    try:
        key = _resolve(store, company)
        name, entries = store.name(key), store.entries(key)
    finally:
        store.close()
    diffs = [changes(a, b) for a, b in pairwise(entries)]

    def as_json() -> str:
        data = {
            "company": key,
            "name": name,
            "database": str(store.path),
            "assessments": [
                {
                    "id": e.id,
                    "at": e.at,
                    "stage": e.stage,
                    "stage_number": e.stage_number,
                    "levels": e.levels,
                    "knowledge_base": e.knowledge_base,
                    "version": e.version,
                    "file": e.file,
                    "recommendations": e.recommendations,
                }
                for e in entries
            ],
            "changes": diffs,
        }
        return dumps(data, indent=2) + "\n"

    show(fmt, text=lambda: history_text(key, name, str(store.path), entries, diffs, lang), json=as_json)


def history_text(key: str, name: str, path: str, entries: list[Any], diffs: list[dict[str, Any]], lang: str) -> str:
    """`cxm history` as text: one row per assessment, then what changed between each two."""
    comps = list(entries[-1].levels)
    lines = [t("history", lang, name=inline(name), company=key), f"{t('database', lang)}: {inline(path)}", ""]
    short = {c: t(f"short_{c}", lang) if f"short_{c}" in LABELS else c[:4] for c in comps}
    lines.append(f"  {t('columns', lang):<44}" + "".join(f"{short[c]:>6}" for c in comps) + f"  {t('kb', lang)}")
    for e in entries:
        stage = f"{e.stage_number} {e.result['stage']['name'][lang]}"
        row = f"{e.id:<3}{e.at:<22}{stage:<19}"
        lines.append(f"  {row:<44}" + "".join(f"{e.levels[c]:>6}" for c in comps) + f"  {e.knowledge_base[:12]}")
    if diffs:
        lines += ["", t("changes", lang)]
    by_id = {e.id: e for e in entries}
    for d in diffs:
        lines.append(f"  {t('between', lang, a=d['from'], b=d['to'], at=d['at'])}")
        body = _change_lines(d, by_id[d["from"]], by_id[d["to"]], lang)
        lines += [f"    {b}" for b in body or [t("no_change", lang)]]
    return "\n".join(lines) + "\n"


def _change_lines(d: dict[str, Any], before: Any, after: Any, lang: str) -> list[str]:
    body: list[str] = []
    if d["stage"]:
        body.append(
            t("stage", lang, before=before.result["stage"]["name"][lang], after=after.result["stage"]["name"][lang])
        )
    for c, lv in d["levels"].items():
        body.append(t("level", lang, name=_name(after.result, c, lang), before=lv["before"], after=lv["after"]))
    body += [f"{t('new', lang)}: {r['title'][lang]} [{r['id']}]" for r in d["added"]]
    body += [f"{t('gone', lang)}: {r['title'][lang]} [{r['id']}]" for r in d["removed"]]
    if d["knowledge_base"]:
        body.append(
            t("kb_changed", lang, before=d["knowledge_base"]["before"][:12], after=d["knowledge_base"]["after"][:12])
        )
    return body
