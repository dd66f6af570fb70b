"""The output formats of every command, in one registry.

A command's output is of one *kind* (a result printed as text or JSON, a report, a portfolio, a batch's
results, the rule graph); the kind lists its formats, the file suffixes that choose them, the ``--format``
option, and picks the writer of a format (:meth:`Kind.pick`). Writers may also be registered on a kind and a
format (:meth:`Kind.register`, e.g. batch's output writers) and found again with :meth:`Kind.writer`. No
command compares a format's name itself: what differs between formats is a trait of the format here
(:attr:`Format.inline_charts`, :attr:`Format.escape`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., object])


@dataclass(frozen=True)
class Format:
    """One output format: its name, the suffixes that choose it, and how a page in it is written."""

    name: str
    suffixes: tuple[str, ...] = ()
    inline_charts: bool = False  # charts drawn inside the page (HTML), not written beside it
    escape: str | None = None  # how inserted values are escaped beyond autoescaping: "md" for Markdown
    binary: bool = False  # written as bytes (PDF)
    page: bool = False  # a page for people (HTML, Markdown, PDF), with charts
    records: bool = False  # one JSON object per company, what `cxm portfolio` reads


@dataclass
class Kind:
    """The formats of one kind of output, and their writers."""

    name: str
    formats: tuple[Format, ...]
    writers: dict[str, Callable[..., Any]] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.formats]

    def __getitem__(self, name: str) -> Format:
        for f in self.formats:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no format {name!r}")

    def choice(self) -> click.Choice:
        return click.Choice(self.names)

    def option(self, *, default: str | None = None, help: str) -> Callable[[F], F]:
        """The command's ``--format`` option (as ``fmt``)."""
        return click.option(
            "--format", "fmt", type=self.choice(), default=default, show_default=default is not None, help=help
        )

    def by_suffix(self, path: Path | str | None) -> str | None:
        """The format an output's suffix chooses (case-insensitive), or None."""
        if path is None:
            return None
        suffix = Path(path).suffix.lower()
        return next((f.name for f in self.formats if suffix in f.suffixes), None)

    def suffixes(self) -> list[str]:
        return [s for f in self.formats for s in f.suffixes]

    def pick(self, fmt: str, choices: Mapping[str, Callable[[], T]]) -> T:
        """Run the producer given for ``fmt``; every format of the kind must have one."""
        missing = [n for n in self.names if n not in choices]
        if missing:
            raise TypeError(f"no producer for the {self.name} format(s) {', '.join(missing)}")
        return choices[self[fmt].name]()

    def register(self, fmt: str) -> Callable[[F], F]:
        """A decorator that registers a writer of ``fmt`` (e.g. batch's CSV writer)."""
        self[fmt]  # an unknown format is refused here

        def put(writer: F) -> F:
            self.writers[fmt] = writer
            return writer

        return put

    def writer(self, fmt: str) -> Callable[..., Any]:
        """The writer registered for ``fmt``."""
        return self.writers[self[fmt].name]


RESULT = Kind("result", (Format("text"), Format("json", (".json",))))
HTML = Format("html", (".html", ".htm"), inline_charts=True, page=True)
MARKDOWN = Format("md", (".md",), escape="md", page=True)  # its charts are written beside it, as SVG files
REPORT = Kind("report", (HTML, MARKDOWN, Format("pdf", (".pdf",), inline_charts=True, binary=True, page=True)))
PORTFOLIO = Kind("portfolio", (HTML, MARKDOWN, Format("json", (".json",))))
BATCH = Kind("batch", (Format("jsonl", (".jsonl", ".ndjson", ".json"), records=True), Format("csv", (".csv",))))
GRAPH = Kind("graph", (Format("mermaid"), Format("dot")))
KINDS = {k.name: k for k in (RESULT, REPORT, PORTFOLIO, BATCH, GRAPH)}


def show(fmt: str, *, text: Callable[[], str], json: Callable[[], str]) -> None:
    """Print a command's result as text (made safe for a terminal) or JSON."""
    from cxm.cli.render import terminal_safe

    click.echo(RESULT.pick(fmt, {"text": lambda: terminal_safe(text()), "json": json}), nl=False)
