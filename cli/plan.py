"""`cxm plan`: a company's recommendations with the status the consultant set, and the subcommands that set it
(``done``, ``drop``, ``open``); `cxm plan COMPANY` is `cxm plan show COMPANY`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from cxm.cli.formats import show as show_result
from cxm.cli.history import _open, t
from cxm.cli.options import db_option, lang_option, output_options
from cxm.cli.render import inline, terminal_safe
from cxm.engine.base.text import dumps

ACTIONS = ("done", "drop", "open")


class PlanGroup(click.Group):
    """`cxm plan show|done|drop|open`; a first argument that is not a subcommand is a company to show."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            if not args[0].startswith("-") and len(args) > 1 and args[1] in ACTIONS:
                raise click.UsageError(f"the action comes first: cxm plan {args[1]} COMPANY REC", ctx)
            args = ["show", *args]
        return super().parse_args(ctx, args)


@click.group(cls=PlanGroup)
def plan() -> None:
    """List a company's recommendations with their status, or set one's status (show, done, drop, open).

    `cxm plan COMPANY` (or `cxm plan show COMPANY`) lists the recommendations of the latest saved
    assessment with the status the consultant set (open, done, dropped), then those a re-assessment
    closed because their gap was closed (or held back). `done COMPANY REC` and `drop COMPANY REC --why
    TEXT` set a status; `open COMPANY REC` reopens. COMPANY is the company's name (company.name) or its
    slug; assessments are stored with `cxm assess FILE --save`.

    \b
    Example:
      cxm plan "Regional wellness resort (article, company 1)"
      cxm plan done regional-wellness-resort-article-company-1 written-brand-values
      cxm plan drop regional-wellness-resort-article-company-1 mystery-shopper --why "no budget this year"
    """


@plan.command("show")
@click.argument("company")
@db_option
@output_options
def show(company: str, db: Path | None, fmt: str, lang: str) -> None:
    """List a company's recommendations with their status (the same as `cxm plan COMPANY`).

    First the recommendations of the latest saved assessment with the status the consultant set
    (open, done, dropped), then those a re-assessment closed because their gap was closed (or held back).

    \b
    Example:
      cxm plan show "Regional wellness resort (article, company 1)"
      cxm plan show regional-wellness-resort-article-company-1 --format json
    """
    store = _open(db)
    try:
        key = store.resolve(company)
        name, entries, items = store.name(key), store.entries(key), store.plan(key)
    finally:
        store.close()
    latest = entries[-1]

    def as_json() -> str:
        data = {
            "company": key,
            "name": name,
            "latest": latest.id,
            "items": [
                {
                    "id": i.rec,
                    "kind": i.kind,
                    "title": i.title,
                    "status": i.status,
                    "why": i.why,
                    "status_at": i.status_at,
                    "first_seen": i.first_seen,
                    "last_seen": i.last_seen,
                    "closed_by": i.closed_by,
                    "closed_reason": i.closed_reason,
                }
                for i in items
            ],
        }
        return dumps(data, indent=2) + "\n"

    show_result(fmt, text=lambda: plan_text(key, name, entries, items, lang), json=as_json)


def plan_text(key: str, name: str, entries: list[Any], items: list[Any], lang: str) -> str:
    """The plan as text: the latest assessment's recommendations, then those closed or held back since."""
    latest = entries[-1]
    lines = [
        t("plan", lang, name=inline(name), company=key),
        t(
            "latest",
            lang,
            id=latest.id,
            count=len(entries),
            at=latest.at,
            n=latest.stage_number,
            stage=latest.result["stage"]["name"][lang],
        ),
        "",
    ]
    groups = [
        ("current", [i for i in items if i.current]),
        ("gap_closed", [i for i in items if i.closed_reason == "gap_closed"]),
        ("held_back", [i for i in items if i.closed_reason == "held_back"]),
    ]
    for key_, group in groups:
        if key_ != "current" and not group:
            continue
        lines.append(t(key_, lang))
        if not group:
            lines.append("  " + t("none", lang))
        lines += [_item_line(i, lang) for i in group]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _item_line(i: Any, lang: str) -> str:
    status = "closed" if i.status == "open" and i.closed_by is not None else i.status
    line = f"  {t(status, lang):<9}{t(i.kind, lang):<10}{i.rec}: {i.title[lang]}"
    if i.closed_by is not None:
        line += f" ({t('closed_by' if i.closed_reason == 'gap_closed' else 'held_by', lang, id=i.closed_by)})"
    if i.why:
        line += f" ({t('why', lang)}: {i.why})"
    return line


def _set(company: str, rec: str, db: Path | None, lang: str, change: Any) -> None:
    """Set REC's status with ``change(store, key, rec)`` (which returns the item and the parts marked with it),
    and say what was set."""
    store = _open(db)
    try:
        key = store.resolve(company)
        item, parts, alone = change(store, key, rec)
    finally:
        store.close()
    lines = [
        t("set", lang, rec=item.rec, status=t(item.status, lang))
        + (f" ({t('why', lang)}: {item.why})" if item.why else "")
    ]
    if parts:
        lines.append(t("parts_open" if alone else "parts_done", lang, n=len(parts)))
        lines += [f"  {t(p.kind, lang):<10}{p.rec}: {p.title[lang]}" for p in parts]
    click.echo(terminal_safe("\n".join(lines)))


def status_options(function: Any) -> Any:
    """COMPANY REC, --db and --lang: what every status subcommand takes."""
    for decorator in (
        lang_option("Language of the message."),
        db_option,
        click.argument("recommendation", metavar="REC"),
        click.argument("company"),
    ):
        function = decorator(function)
    return function


@plan.command("done")
@status_options
@click.option(
    "--alone",
    is_flag=True,
    help="Mark only REC, leaving its open actions and tools open (they are marked with it otherwise).",
)
def done(company: str, recommendation: str, db: Path | None, lang: str, alone: bool = False) -> None:
    """Mark a recommendation done, with the open actions and tools carried out under it.

    Also marks done the actions and tools of the latest assessment that serve REC and are still open,
    and lists them; with --alone it marks REC only and lists those left open.

    \b
    Example:
      cxm plan done regional-wellness-resort-article-company-1 written-brand-values
      cxm plan done regional-wellness-resort-article-company-1 dedicate-cx-owner --alone
    """
    _set(company, recommendation, db, lang, lambda store, key, rec: (*store.mark_done(key, rec, alone=alone), alone))


@plan.command("drop")
@status_options
@click.option("--why", "why", help="Why the recommendation is dropped (required).")
def drop(company: str, recommendation: str, db: Path | None, lang: str, why: str | None = None) -> None:
    """Drop a recommendation, saying why (--why TEXT).

    \b
    Example:
      cxm plan drop regional-wellness-resort-article-company-1 mystery-shopper --why "no budget this year"
    """
    _set(
        company,
        recommendation,
        db,
        lang,
        lambda store, key, rec: (store.set_status(key, rec, "dropped", why), [], False),
    )


@plan.command("open")
@status_options
def reopen(company: str, recommendation: str, db: Path | None, lang: str) -> None:
    """Reopen a recommendation marked done or dropped.

    \b
    Example:
      cxm plan open regional-wellness-resort-article-company-1 mystery-shopper
    """
    _set(
        company, recommendation, db, lang, lambda store, key, rec: (store.set_status(key, rec, "open", None), [], False)
    )
