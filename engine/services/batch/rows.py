"""The rows of a batch: each read and validated (:func:`load_row`), then assessed by this process's engine
(:func:`assess_rows`), in chunks of :data:`CHUNK`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from cxm.engine.base.errors import EngineError
from cxm.engine.services.batch.records import Done, error_lines, lean_record
from cxm.facts.source import SourceError
from cxm.facts.tabular import CellErrors, RawRow, Source, csv_document, every_problem, jsonl_document

CHUNK = 64  # rows per task sent to a worker


def load_row(source: Source, raw: RawRow) -> Any:
    """The validated facts of one row (:class:`~cxm.facts.load.LoadedFacts`), or :class:`SourceError`."""
    from cxm.engine.knowledge.cache import facts_validator
    from cxm.facts.load import validate
    from cxm.facts.source import read_document

    if source.kind == "folder":
        path, shown = raw.data
        doc = read_document(path, display=shown)
    elif source.kind == "jsonl":
        doc = jsonl_document(source.path, raw.line, raw.data)
    else:
        try:
            doc = csv_document(source.path, source.header, raw.line, raw.data)
        except CellErrors as exc:  # every error of the row at once, the cells' and the rest's
            raise every_problem(exc, lambda d: validate(d, facts_validator())) from None
    return validate(doc, facts_validator())


_ENGINES: dict[tuple[str, ...], Any] = {}  # one engine per process (and per rule set), built on first use


def engine_for(rules: Sequence[str]) -> Any:
    """This process's engine for these rule folders, built once."""
    key = tuple(rules)
    engine = _ENGINES.get(key)
    if engine is None:
        from cxm.engine.services.api import Engine

        engine = _ENGINES[key] = Engine(list(rules))
    return engine


def rule_folders(rules: Sequence[Path | str]) -> tuple[str, ...]:
    """The rule folders as every process names them (resolved): the key of :func:`engine_for`."""
    return tuple(str(Path(r).resolve()) for r in rules)


def warm(rules: Sequence[str]) -> Any:
    """This process's engine for these rule folders, with all that assessing a row needs loaded: the rule
    base, its durable-rules rulesets, the compiled facts validator, the modules the lean path imports."""
    from cxm.engine.knowledge.cache import facts_validator
    from cxm.engine.results import summary  # noqa: F401
    from cxm.facts import load, source  # noqa: F401

    engine = engine_for(rules)
    engine.prepare()
    facts_validator()
    return engine


def assess_rows(source: Source, rules: Sequence[str], rows: Sequence[RawRow]) -> list[Done]:
    """Assess a chunk of rows in this process (the task a worker runs)."""
    engine = engine_for(rules)
    out = []
    for raw in rows:
        try:
            loaded = load_row(source, raw)
            out.append(Done(raw.row, lean_record(engine, loaded, raw.row)))
        except (SourceError, EngineError) as exc:
            out.append(Done(raw.row, errors=error_lines(raw.row, exc)))
        except MemoryError:  # durable-rules' session table is full: the process cannot go on safely
            raise
        except Exception as exc:  # an unforeseen failure on one row must not stop the others
            out.append(
                Done(raw.row, errors=[f"row {raw.row}: (error): {type(exc).__name__}: " + " ".join(str(exc).split())])
            )
    return out


def chunks(rows: Iterable[RawRow], size: int) -> Iterator[list[RawRow]]:
    chunk: list[RawRow] = []
    for raw in rows:
        chunk.append(raw)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
