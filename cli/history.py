"""`cxm history` and `cxm plan`, and the `--save` of `cxm assess`: progress across re-assessments.

The database is SQLite (``cxm.engine.services.history``); by default ``history.sqlite3`` in the user's data
directory, or ``--db PATH`` (or the ``CXM_DB`` environment variable).
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import Any

import click

from cxm.cli.i18n import translator
from cxm.cli.main import cli, output_options
from cxm.cli.render import inline, terminal_safe
from cxm.engine.base.text import dumps

LABELS: dict[str, dict[str, str]] = {
    "saved": {"en": "Saved assessment #{id} of {company} ({at}) to {path}",
              "ru": "Оценка №{id} компании {company} ({at}) сохранена в {path}"},
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
    "kb_changed": {"en": "Knowledge base changed: {before} -> {after}",
                   "ru": "База знаний изменилась: {before} -> {after}"},
    "no_change": {"en": "No change in stage, levels or recommendations.",
                  "ru": "Стадия, уровни и рекомендации не изменились."},
    "plan": {"en": "Action plan of {name} [{company}]", "ru": "План действий: {name} [{company}]"},
    "latest": {"en": "Latest assessment: #{id} of {count}, {at}, stage {n} {stage}",
               "ru": "Последняя оценка: №{id} из {count}, {at}, стадия {n} «{stage}»"},
    "current": {"en": "Recommendations of the latest assessment (status set by the consultant)",
                "ru": "Рекомендации последней оценки (статус задаёт консультант)"},
    "gap_closed": {"en": "Closed by a re-assessment: no longer recommended, the gap was closed",
                   "ru": "Закрыто повторной оценкой: больше не рекомендуется, разрыв устранён"},
    "held_back": {"en": "Held back by a re-assessment", "ru": "Отложено повторной оценкой"},
    "closed_by": {"en": "closed by #{id}", "ru": "закрыто оценкой №{id}"},
    "held_by": {"en": "held back by #{id}", "ru": "отложено оценкой №{id}"},
    "why": {"en": "why", "ru": "причина"},
    "none": {"en": "(none)", "ru": "(нет)"},
    "set": {"en": "{rec}: {status}", "ru": "{rec}: {status}"},
    "parts_done": {"en": "Also marked done, as carried out with it ({n}):",
                   "ru": "Вместе с ним отмечено как сделанное ({n}):"},
    "parts_open": {"en": "Left open under it (--alone; mark each when it is done) ({n}):",
                   "ru": "Под ним остаются открытыми (--alone; отметьте каждое, когда оно будет сделано) ({n}):"},
    "open": {"en": "open", "ru": "открыто"},
    "done": {"en": "done", "ru": "сделано"},
    "dropped": {"en": "dropped", "ru": "отказ"},
    "closed": {"en": "closed", "ru": "закрыто"},
    "decision": {"en": "decision", "ru": "решение"},
    "action": {"en": "action", "ru": "действие"},
    "tool": {"en": "tool", "ru": "инструмент"},
}


t = translator(LABELS)


db_option = click.option(
    "--db", "db", type=click.Path(dir_okay=False, path_type=Path), envvar="CXM_DB",
    help="The history database (default: history.sqlite3 in the user's data directory; env CXM_DB).",
)


def _open(db: Path | None) -> Any:
    from cxm.engine.services.history import open_history

    return open_history(db)


def save_assessment(loaded: Any, result: Any, db: Path | None, lang: str = "en") -> None:
    """Store an assessment made by `cxm assess --save` and say where, on stderr.

    The assessment is already printed: a database that cannot take it is one line saying so, exit 1.
    """
    from cxm.cli.errors import Failure
    from cxm.cli.main import package_version
    from cxm.engine.results.result import to_data
    from cxm.engine.services.history import HistoryError
    from cxm.facts.vocabulary import plain

    try:
        history = _open(db)
        try:
            saved = history.save(plain(loaded.data),
                                 to_data(result, exclude={"trace"}), version=package_version())
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
        "from": before.id, "to": after.id, "at": after.at,
        "stage": None if before.stage == after.stage else {"before": before.stage, "after": after.stage},
        "levels": {c: {"before": before.levels.get(c), "after": lv} for c, lv in after.levels.items()
                   if before.levels.get(c) != lv},
        "added": [{"id": r, "title": titles[r]} for r in made_after if r not in made_before],
        "removed": [{"id": r, "title": titles[r]} for r in made_before if r not in made_after],
        "knowledge_base": None if before.knowledge_base == after.knowledge_base
        else {"before": before.knowledge_base, "after": after.knowledge_base},
    }


@cli.command()
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
    if fmt == "json":
        data = {"company": key, "name": name, "database": str(store.path),
                "assessments": [{"id": e.id, "at": e.at, "stage": e.stage, "stage_number": e.stage_number,
                                 "levels": e.levels, "knowledge_base": e.knowledge_base, "version": e.version,
                                 "file": e.file, "recommendations": e.recommendations} for e in entries],
                "changes": diffs}
        click.echo(dumps(data, indent=2))
        return
    comps = list(entries[-1].levels)
    lines = [t("history", lang, name=inline(name), company=key), f"{t('database', lang)}: {inline(str(store.path))}",
             ""]
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
        before, after = by_id[d["from"]], by_id[d["to"]]
        lines.append(f"  {t('between', lang, a=d['from'], b=d['to'], at=d['at'])}")
        body: list[str] = []
        if d["stage"]:
            body.append(t("stage", lang, before=before.result["stage"]["name"][lang],
                          after=after.result["stage"]["name"][lang]))
        for c, lv in d["levels"].items():
            body.append(t("level", lang, name=_name(after.result, c, lang), before=lv["before"], after=lv["after"]))
        body += [f"{t('new', lang)}: {r['title'][lang]} [{r['id']}]" for r in d["added"]]
        body += [f"{t('gone', lang)}: {r['title'][lang]} [{r['id']}]" for r in d["removed"]]
        if d["knowledge_base"]:
            body.append(t("kb_changed", lang, before=d["knowledge_base"]["before"][:12],
                          after=d["knowledge_base"]["after"][:12]))
        lines += [f"    {b}" for b in body or [t("no_change", lang)]]
    click.echo(terminal_safe("\n".join(lines)))


@cli.command()
@click.argument("company")
@click.argument("action", required=False, type=click.Choice(["done", "drop", "open"]))
@click.argument("recommendation", required=False)
@click.option("--why", "why", help="Why the recommendation is dropped (required with drop).")
@click.option("--alone", is_flag=True,
              help="With done: mark only REC, leaving its open actions and tools open (they are marked with it "
                   "otherwise).")
@db_option
@output_options
def plan(company: str, action: str | None, recommendation: str | None, why: str | None, db: Path | None,
         fmt: str, lang: str, alone: bool = False) -> None:
    """List a company's recommendations with their status, or set one's status.

    With only COMPANY, lists the recommendations of the latest saved assessment with the status the
    consultant set (open, done, dropped), then those a re-assessment closed because their gap was
    closed (or held back). `done REC` and `drop REC --why TEXT` set a status; `open REC` reopens.
    `done REC` also marks done the actions and tools of the latest assessment carried out under REC that
    are still open, and lists them; with --alone it marks REC only and lists those left open.

    \b
    Example:
      cxm plan "Regional wellness resort (article, company 1)"
      cxm plan regional-wellness-resort-article-company-1 done written-brand-values
      cxm plan regional-wellness-resort-article-company-1 drop mystery-shopper --why "no budget this year"
    """

    if action and not recommendation:
        raise click.UsageError(f"{action} needs a recommendation id: cxm plan COMPANY {action} REC")
    if recommendation and not action:
        raise click.UsageError("give done, drop or open before the recommendation id")
    if why and action != "drop":
        raise click.UsageError("--why goes with drop")
    if alone and action != "done":
        raise click.UsageError("--alone goes with done")
    store = _open(db)
    try:
        key = _resolve(store, company)
        if action:
            status = {"done": "done", "drop": "dropped", "open": "open"}[action]
            parts = []
            if status == "done":
                item, parts = store.mark_done(key, recommendation or "", alone=alone)
            else:
                item = store.set_status(key, recommendation or "", status, why)
            lines = [t("set", lang, rec=item.rec, status=t(item.status, lang))
                     + (f" ({t('why', lang)}: {item.why})" if item.why else "")]
            if parts:
                lines.append(t("parts_open" if alone else "parts_done", lang, n=len(parts)))
                lines += [f"  {t(p.kind, lang):<10}{p.rec}: {p.title[lang]}" for p in parts]
            click.echo(terminal_safe("\n".join(lines)))
            return
        name, entries, items = store.name(key), store.entries(key), store.plan(key)
    finally:
        store.close()
    latest = entries[-1]
    if fmt == "json":
        data = {"company": key, "name": name, "latest": latest.id,
                "items": [{"id": i.rec, "kind": i.kind, "title": i.title, "status": i.status, "why": i.why,
                           "status_at": i.status_at, "first_seen": i.first_seen, "last_seen": i.last_seen,
                           "closed_by": i.closed_by, "closed_reason": i.closed_reason} for i in items]}
        click.echo(dumps(data, indent=2))
        return
    lines = [t("plan", lang, name=inline(name), company=key),
             t("latest", lang, id=latest.id, count=len(entries), at=latest.at, n=latest.stage_number,
               stage=latest.result["stage"]["name"][lang]), ""]
    groups = [("current", [i for i in items if i.current]),
              ("gap_closed", [i for i in items if i.closed_reason == "gap_closed"]),
              ("held_back", [i for i in items if i.closed_reason == "held_back"])]
    for key_, group in groups:
        if key_ != "current" and not group:
            continue
        lines.append(t(key_, lang))
        if not group:
            lines.append("  " + t("none", lang))
        for i in group:
            status = "closed" if i.status == "open" and i.closed_by is not None else i.status
            line = f"  {t(status, lang):<9}{t(i.kind, lang):<10}{i.rec}: {i.title[lang]}"
            if i.closed_by is not None:
                line += f" ({t('closed_by' if i.closed_reason == 'gap_closed' else 'held_by', lang, id=i.closed_by)})"
            if i.why:
                line += f" ({t('why', lang)}: {i.why})"
            lines.append(line)
        lines.append("")
    click.echo(terminal_safe("\n".join(lines).rstrip()))
