"""The options many commands share: --lang, --rules, --db, and --format (from :mod:`cxm.cli.formats`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

F = TypeVar("F", bound=Callable[..., object])

LANGS = click.Choice(["en", "ru"])


def default_lang() -> str:
    """The language when --lang is not given: CXM_LANG (another value is a usage error naming it), else the
    locale's (LC_ALL, LC_MESSAGES, LANG, as POSIX orders them: ``ru_RU.UTF-8`` gives ru), else en."""
    chosen = os.environ.get("CXM_LANG", "")
    if chosen in LANGS.choices:
        return chosen
    if chosen:  # a usage error, but the variable's, not --lang's (which was not given)
        raise click.UsageError(f"CXM_LANG={chosen!r} is not a language of cxm: set it to en or ru, or unset it")
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "ru" if value.lower().startswith("ru") else "en"
    return "en"


def lang_option(help: str) -> Callable[[F], F]:
    """--lang, defaulting from CXM_LANG, else the locale, else English (the default is shown in --help)."""
    return click.option(
        "--lang", type=LANGS, default=default_lang, show_default="CXM_LANG, else the locale, else en", help=help
    )


rules_option = click.option(
    "--rules",
    "rules",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A folder of extra rule files, loaded after the built-in ones (repeatable).",
)

db_option = click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="CXM_DB",
    help="The history database (default: history.sqlite3 in the user's data directory; env CXM_DB).",
)


def output_options(command: F) -> F:
    """--format (text or json) and --lang, shared by every command that prints a result."""
    from cxm.cli.formats import RESULT

    command = lang_option("Language of the text output.")(command)
    return RESULT.option(default="text", help="Output format.")(command)
