"""A portfolio of assessed companies: how they spread over the stages and levels, what holds them back,
the same cut by industry, market and size class, and where one company stands against them.

Input: batch records (:func:`cxm.engine.services.batch.project`), read from a JSON Lines file that
``cxm batch`` wrote, or made here from a folder of facts files. Language-neutral: ids and counts only;
``cxm portfolio`` and ``cxm report --portfolio`` render them.

Definitions (documented in the README):

- *share*: count / companies, rounded to 4 decimals;
- a company listing two industries counts in both industry groups;
- a group (industry, market focus, size class) is shown when it holds at least :data:`MIN_GROUP` companies;
- *percentile rank* of a value in a group: the per cent of the group's companies below it plus half of
  those level with it, rounded half up to a whole number (50 = the middle of the group).
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxm.engine.base.errors import ProblemsError

if TYPE_CHECKING:  # (`cxm portfolio` imports this module without the engine until it needs it)
    from cxm.engine.knowledge.base import KnowledgeBase
    from cxm.engine.results.result import Assessment
    from cxm.engine.services.api import Engine
    from cxm.facts.load import LoadedFacts

MIN_GROUP = 5
TOP = 10  # recommendations listed
MARKETS = ("b2b", "b2c", "mixed")
SIZE_CLASSES = ("micro", "small", "medium", "large")
CUTS = ("industry", "market", "size_class")
FIELDS = (
    "company",
    "stage",
    "levels",
    "recommendations",
    "weakest",
    "gates_failing",
    "industry",
    "market",
    "size_class",
    "warnings",
)


class PortfolioError(ProblemsError):
    """The portfolio cannot be read: every problem, each naming file, line and field."""


@dataclass(frozen=True)
class Model:
    """What the figures are counted over: the stage ids and competency ids in the rule base's order."""

    stages: tuple[str, ...]
    competencies: tuple[str, ...]
    industries: tuple[str, ...]
    recommendations: frozenset[str] | None = None
    """The catalogue's ids (None: not checked); a record naming another is of another rule base."""
    rules: frozenset[str] | None = None
    """The rule ids a failing gate may name (None: not checked)."""

    @classmethod
    def of(cls, kb: KnowledgeBase) -> Model:
        from cxm.facts.vocabulary import input_fields

        return cls(
            tuple(s.id for s in kb.stages),
            tuple(c.id for c in kb.competencies),
            input_fields()["company.industry"].values,
            frozenset(kb.catalogue),
            frozenset(r.id for r in kb.rules),
        )


@dataclass(frozen=True)
class Share:
    """How many companies have something, and their share of the group."""

    id: str
    count: int
    share: float


@dataclass(frozen=True)
class Figures:
    """The figures of one group of companies."""

    companies: int
    stages: dict[str, int]
    """Companies per stage, every stage in order."""
    levels: dict[str, dict[str, int]]
    """Per competency, companies per level ("1" to "6")."""
    weakest: list[Share]
    """Every competency, most often weakest first (a company tied between two counts for both)."""
    recommendations: list[Share]
    """The recommendations made most often (at most ten)."""
    gates: list[Share]
    """The next-stage gates that fail most often."""
    lowest_two: float
    """Share of companies in the two lowest stages."""
    highest_two: float
    """Share of companies in the two highest stages."""
    warned: int = 0
    """Companies whose facts carry consistency warnings (their advice rests on answers that contradict)."""
    self_far: list[Share] = field(default_factory=list)
    """Companies rating themselves far "below" / "above" what the facts show (two levels or more, in at least one
    competency; records without ``self_far``, from an older batch, count as neither)."""
    unsettled: int = 0
    """Companies whose stage is not settled: facts nobody knew leave a range (the record's ``range``; counted at
    its lowest end)."""


@dataclass(frozen=True)
class Group:
    """A cut of the portfolio: companies of one industry, market focus or size class."""

    cut: str
    key: str
    figures: Figures


@dataclass(frozen=True)
class Portfolio:
    """The whole portfolio and its cuts (groups of at least :data:`MIN_GROUP` companies)."""

    source: str
    figures: Figures
    groups: list[Group] = field(default_factory=list)


@dataclass(frozen=True)
class Standing:
    """One company against one group: its percentile rank on the stage and on each level."""

    cut: str
    """"all", "industry" or "size_class"."""
    key: str
    companies: int
    percentiles: dict[str, int]
    """"stage" and each competency: percentile rank (0-100)."""
    medians: dict[str, float]
    """The group's median stage number and levels."""


# --- reading ------------------------------------------------------------------------------------


def _check(file: str, line: int, rec: Any, model: Model) -> list[str]:
    """Problems of one batch record, each as FILE:LINE: FIELD: MESSAGE."""
    at = f"{file}:{line}"
    if not isinstance(rec, dict):
        return [f"{at}: (record): expected a JSON object"]
    missing = [k for k in FIELDS if k not in rec or (rec[k] is None and k in CUTS)]
    if missing:
        return [f"{at}: {k}: missing (written by an older cxm batch? run it again)" for k in missing]
    out = []
    if rec["stage"] not in model.stages:
        out.append(f"{at}: stage: unknown stage {rec['stage']!r}")
    levels = rec["levels"]
    if not isinstance(levels, dict) or sorted(levels) != sorted(model.competencies):
        out.append(f"{at}: levels: expected a level for each of {', '.join(model.competencies)}")
    else:
        out += [
            f"{at}: levels.{c}: expected a whole number from 1 to 6, got {v!r}"
            for c, v in levels.items()
            if type(v) is not int or not 1 <= v <= 6
        ]
    for key, allowed in (("weakest", model.competencies), ("industry", model.industries)):
        if not isinstance(rec[key], list) or any(v not in allowed for v in rec[key]):
            out.append(f"{at}: {key}: expected a list of {', '.join(allowed)}")
    for key, known in (("recommendations", model.recommendations), ("gates_failing", model.rules), ("warnings", None)):
        what = "texts" if key == "warnings" else "ids"
        if not isinstance(rec[key], list) or not all(isinstance(v, str) for v in rec[key]):
            out.append(f"{at}: {key}: expected a list of {what}")
        elif known is not None and (unknown := [v for v in rec[key] if v not in known]):
            out.append(
                f"{at}: {key}: {unknown[0]!r} is not in this rule base (written with other rules or another "
                "version of cxm? give the same --rules, or run cxm batch again)"
            )
    for key, allowed in (("market", MARKETS), ("size_class", SIZE_CLASSES)):
        if rec[key] not in allowed:
            out.append(f"{at}: {key}: expected one of {', '.join(allowed)}, got {rec[key]!r}")
    if not isinstance(rec["company"], str):
        out.append(f"{at}: company: expected a name")
    return out


def read_jsonl(path: Path, model: Model) -> list[dict[str, Any]]:
    """Batch records from a JSON Lines file; :class:`PortfolioError` lists every bad line."""
    from cxm.facts.files import Lines, LineTooLong, NotAFile, check_file
    from cxm.facts.tabular import LINE_LIMIT

    records, problems = [], []
    rows: dict[Any, int] = {}  # row number -> the line it was first read at
    try:
        check_file(path)  # a device or a FIFO is never read (/dev/zero would not end)
    except NotAFile as exc:
        raise PortfolioError([f"{path}: the portfolio {exc}"]) from None
    try:
        with path.open(encoding="utf-8") as handle:
            lines = Lines(handle, LINE_LIMIT)
            while True:
                try:
                    text = next(lines)
                except StopIteration:
                    break
                except LineTooLong as exc:  # skipped, never held whole
                    problems.append(f"{path}:{lines.number}: (record): {exc}")
                    continue
                line_no = lines.number
                if not text.strip():
                    continue
                try:
                    rec = json.loads(text)
                except (json.JSONDecodeError, RecursionError) as exc:
                    problems.append(f"{path}:{line_no}: (record): malformed JSON: {getattr(exc, 'msg', exc)}")
                    continue
                found = _check(str(path), line_no, rec, model)
                row = rec.get("row") if not found else None
                if row is not None and row in rows:  # one company counted once
                    found = [
                        f"{path}:{line_no}: row: row {row} again (first at line {rows[row]}); a portfolio "
                        "counts each company once"
                    ]
                elif row is not None:
                    rows[row] = line_no
                problems += found
                if not found:
                    records.append(rec)
    except (OSError, UnicodeDecodeError) as exc:
        raise PortfolioError([f"{path}: cannot read the portfolio: {exc}"]) from None
    if problems:
        raise PortfolioError(problems)
    if not records:
        raise PortfolioError([f"{path}: no companies in the portfolio"])
    return records


def assess_folder(path: Path, rules: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Batch records of every facts file in a folder (name order); :class:`PortfolioError` lists bad files."""
    from cxm.engine.services import batch

    source = batch.open_source(path, "folder")
    records, problems = [], []
    for chunk in batch.chunks(batch.read_rows(source), batch.CHUNK):
        for done in batch.assess_rows(source, tuple(rules), chunk):
            if done.record is None:
                problems += done.errors
            else:
                records.append(done.record)
    if problems:
        raise PortfolioError(problems)
    if not records:
        raise PortfolioError([f"{path}: no facts files (*.yaml, *.yml, *.json) in the folder"])
    return records


def read_records(path: Path, model: Model, rules: Sequence[str] = ()) -> list[dict[str, Any]]:
    """The portfolio's records: a folder of facts files is assessed, anything else read as batch JSON Lines."""
    from cxm.engine.services.batch import BatchError

    try:
        return assess_folder(path, rules) if path.is_dir() else read_jsonl(path, model)
    except BatchError as exc:
        raise PortfolioError(exc.problems) from None


# --- figures ------------------------------------------------------------------------------------


def _share(count: int, total: int) -> float:
    return round(count / total, 4)


def _ranked(counts: Counter[str], total: int, order: Sequence[str] = ()) -> list[Share]:
    """Most often first; ties in ``order`` (when given) or by id."""
    rank = {k: i for i, k in enumerate(order)}
    keys = sorted(counts, key=lambda k: (-counts[k], rank.get(k, len(rank)), k))
    return [Share(k, counts[k], _share(counts[k], total)) for k in keys if counts[k]]


def figures(records: Sequence[dict[str, Any]], model: Model) -> Figures:
    """The figures of a group of records."""
    n = len(records)
    stages = Counter(r["stage"] for r in records)
    weakest = Counter(c for r in records for c in r["weakest"])
    recs = Counter(x for r in records for x in dict.fromkeys(r["recommendations"]))
    gates = Counter(g for r in records for g in dict.fromkeys(r["gates_failing"]))
    return Figures(
        companies=n,
        stages={s: stages[s] for s in model.stages},
        levels={
            c: {str(lv): sum(1 for r in records if r["levels"][c] == lv) for lv in range(1, 7)}
            for c in model.competencies
        },
        weakest=[
            Share(c, weakest[c], _share(weakest[c], n))
            for c in sorted(model.competencies, key=lambda c: (-weakest[c], model.competencies.index(c)))
        ],
        recommendations=_ranked(recs, n)[:TOP],
        gates=_ranked(gates, n),
        lowest_two=_share(sum(stages[s] for s in model.stages[:2]), n),
        highest_two=_share(sum(stages[s] for s in model.stages[-2:]), n),
        warned=sum(1 for r in records if r["warnings"]),
        unsettled=sum(1 for r in records if (r.get("range") or {}).get("settled") is False),
        self_far=[
            Share(way, count, _share(count, n))
            for way in ("below", "above")
            for count in [sum(1 for r in records if way in (r.get("self_far") or {}).values())]
        ],
    )


def members(records: Iterable[dict[str, Any]], cut: str, key: str) -> list[dict[str, Any]]:
    """The records of one group (industry is a list: a company is in each of its industries)."""
    if cut == "industry":
        return [r for r in records if key in r["industry"]]
    return [r for r in records if r[cut] == key]


def _keys(cut: str, model: Model) -> tuple[str, ...]:
    return model.industries if cut == "industry" else MARKETS if cut == "market" else SIZE_CLASSES


def summarise(records: Sequence[dict[str, Any]], model: Model, source: str = "") -> Portfolio:
    """The portfolio's figures, and those of every group of at least :data:`MIN_GROUP` companies."""
    groups = []
    for cut in CUTS:
        for key in _keys(cut, model):
            group = members(records, cut, key)
            if len(group) >= MIN_GROUP:
                groups.append(Group(cut, key, figures(group, model)))
    return Portfolio(source, figures(records, model), groups)


# --- one company against the portfolio ----------------------------------------------------------


def percentile(value: int, values: Sequence[int]) -> int:
    """Percentile rank: per cent below plus half of those level, rounded half up."""
    below = sum(1 for v in values if v < value)
    level = sum(1 for v in values if v == value)
    exact = Fraction(100 * (2 * below + level), 2 * len(values))
    return int(exact + Fraction(1, 2))


def _values(records: Sequence[dict[str, Any]], model: Model) -> dict[str, list[int]]:
    out = {"stage": [model.stages.index(r["stage"]) + 1 for r in records]}
    out.update({c: [r["levels"][c] for r in records] for c in model.competencies})
    return out


def standing(company: dict[str, Any], records: Sequence[dict[str, Any]], model: Model) -> list[Standing]:
    """The company (a batch record) against the whole portfolio, each of its industries and its size class
    (those groups only when they hold at least :data:`MIN_GROUP` companies)."""
    mine = {"stage": model.stages.index(company["stage"]) + 1, **company["levels"]}
    cuts = [("all", "", list(records))]
    cuts += [("industry", i, members(records, "industry", i)) for i in company["industry"]]
    cuts.append(("size_class", company["size_class"], members(records, "size_class", company["size_class"])))
    out = []
    for cut, key, group in cuts:
        if len(group) < (1 if cut == "all" else MIN_GROUP):
            continue
        values = _values(group, model)
        out.append(
            Standing(
                cut,
                key,
                len(group),
                {k: percentile(mine[k], v) for k, v in values.items()},
                {k: float(statistics.median(v)) for k, v in values.items()},
            )
        )
    return out


def to_data(obj: Any) -> Any:
    """Figures as JSON-ready data (dataclasses as mappings, in field order)."""
    from dataclasses import asdict

    return asdict(obj)


def position(
    engine: Engine, loaded: LoadedFacts, assessment: Assessment, records: Sequence[dict[str, Any]]
) -> list[Standing]:
    """Where the assessed company stands in a portfolio (see :func:`standing`)."""
    from cxm.engine.services.batch import company_profile, project, warning_texts

    mine = project(0, assessment, company_profile(loaded, engine.run(loaded)), warning_texts(loaded))
    return standing(mine, records, Model.of(engine.kb))
