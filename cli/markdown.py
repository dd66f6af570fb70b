"""Markdown written safely: every value a Markdown page inserts is literal text (the report's and the
portfolio's templates use these as the environment's ``finalize`` and as filters)."""

from __future__ import annotations

import re
from typing import Any

_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")  # emphasis, code, links and images, table cells, strike-through
_MD_LINE_START = re.compile(r"^(\s*)([#+=-]|\d+(?=[.)]))")  # a heading, a list item, a setext underline


def md_escape(value: Any) -> Any:
    """A value as literal Markdown text: no HTML, link, image, emphasis, heading or list can come out of it.

    Every value a Markdown template inserts passes through here (the environment's ``finalize``), but
    what the template marks ``|safe`` (its own heading marks and outline numbers) and what is already
    escaped. A line break becomes a space, so no value can begin a line of its own.
    """
    from markupsafe import Markup

    if isinstance(value, Markup):
        return value
    text = " ".join(str(value).splitlines())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_LINE_START.sub(
        lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2)[0].isdigit() else "\\" + m.group(2)), text
    )
    return Markup(text)


def md_code(value: Any) -> Any:
    """A Markdown code span holding ``value`` literally (its fence longer than any run of backticks in it)."""
    from markupsafe import Markup

    text = " ".join(str(value).splitlines())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Markup(f"{fence}{pad}{text}{pad}{fence}")


def md_url(value: Any) -> Any:
    """A link destination: percent-encoded, so that it cannot close the link or add a title."""
    from urllib.parse import quote

    from markupsafe import Markup

    return Markup(quote(str(value)))


FINALIZE = {"md": md_escape}  # by Format.escape: what escapes every inserted value beyond autoescaping


def environment(escape: str | None) -> Any:
    """The Jinja2 environment of the templates in ``cli/templates``: HTML autoescaped, Markdown escaped by
    :func:`md_escape` (``escape="md"``), strict about undefined names."""
    from pathlib import Path

    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), disabled_extensions=("md",), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=FINALIZE.get(escape or ""),
    )
    env.filters["md"] = md_escape
    env.filters["code"] = md_code
    env.filters["url"] = md_url
    return env
