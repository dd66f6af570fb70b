"""Load rule folders into a checked :class:`KnowledgeBase`; every problem is located.

The built-in folder comes first; each extra folder may add rules, facts and
recommendations, and a rule whose id is already defined replaces the earlier
one (with a warning).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cxm.engine.knowledge.base import CompetencyInfo, DerivedSpec, Entry, KnowledgeBase, Rule, StageInfo
from cxm.engine.knowledge.bindings import bilingual, substitute
from cxm.engine.knowledge.catalogue import catalogue_item, check_catalogue, resolve_closes
from cxm.engine.knowledge.strata import stratify
from cxm.engine.language.conclusions import check_sources, parse_then
from cxm.engine.language.conditions import ConditionError, Parser, dnf
from cxm.engine.language.ruleschema import RULE_ID, FactType, ModelDef, Recommendation, RuleDef, RuleFile
from cxm.engine.language.terms import Status
from cxm.facts.files import NotAFile, check_file
from cxm.facts.source import MAX_BYTES, Document, Problem, SourceError, read_document
from cxm.facts.validation import problems as pydantic_problems
from cxm.facts.validation import suggest
from cxm.facts.vocabulary import FieldSpec, input_fields
from cxm.rules import BUILTIN_DIR, display_path, rule_files


class _Loader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.fatal = False  # a whole file could not be read: checking the rest would mislead
        self.overrides: dict[str, Problem] = {}  # rule id -> the warning that a later folder replaced it
        self.model: tuple[ModelDef, Document] | None = None
        self.decls: dict[str, tuple[Any, Document, tuple]] = {}
        self.catalogue: dict[str, Entry] = {}
        self.tables: dict[str, list[dict[str, Any]]] = {}  # table name -> its rows (rule files, reading order)
        self.raw_effects: dict[str, dict[str, Any]] = {}
        self.raw_rules: dict[str, tuple[RuleDef, Document, tuple[Any, ...], dict[str, Any]]] = {}
        self.digest = hashlib.sha256()
        self.files: list[str] = []

    def read(self, folder: Path, builtin: bool) -> None:
        if not folder.is_dir():
            self.problems.append(Problem(str(folder), 1, 1, "(root)", "no such rules folder"))
            return
        files = rule_files(folder)
        if not files:
            self.problems.append(Problem(str(folder), 1, 1, "(root)", "the folder holds no rule files (*.yaml)"))
        seen: set[str] = set()
        for path in files:
            name = display_path(path, folder)
            try:
                check_file(path, MAX_BYTES)  # a device, a FIFO or a huge file is never read
            except (NotAFile, OSError) as exc:
                reason = f"the file {exc}" if isinstance(exc, NotAFile) else f"cannot read the file: {exc.strerror}"
                self.problems.append(Problem(name, 1, 1, "(root)", reason))
                self.fatal = True
                continue
            try:
                doc = read_document(path, name)
            except SourceError as exc:
                self.problems.extend(exc.problems)
                self.fatal = True
                continue
            self.files.append(name)
            self.digest.update(name.encode("utf-8", "surrogateescape") + b"\0" + path.read_bytes() + b"\0")
            if not isinstance(doc.data, dict):
                self.problems.append(doc.problem((), "expected a mapping with model, facts, recommendations or rules"))
                self.fatal = True
                continue
            if "company" in doc.data and not {"model", "facts", "recommendations", "rules"} & set(doc.data):
                self.problems.append(
                    doc.problem(
                        ("company",),
                        "refused: a facts file (a company, and no model, "
                        "facts, recommendations or rules), not a rule file; a rules folder "
                        "reads every *.yaml in it and below but skips *.facts.yaml: move it "
                        f"out, or rename it {path.name.rsplit('.', 1)[0]}.facts.yaml",
                        key=True,
                    )
                )
                self.fatal = True
                continue
            parsed = self.validate(doc)
            if parsed is not None:
                self.collect(parsed, doc, builtin, seen)

    def validate(self, doc: Document) -> RuleFile | None:
        """Check a file's structure entry by entry, so one bad rule does not hide the others."""
        data = dict(doc.data)
        kept: dict[str, Any] = {}
        for section, model in (("recommendations", Recommendation), ("rules", RuleDef)):
            items = data.pop(section, [])
            if not isinstance(items, list):
                kept[section] = items  # let the file model report it
                continue
            good = []
            for i, item in enumerate(items):
                try:
                    good.append(model.model_validate(item))
                except ValidationError as exc:
                    self.problems.extend(pydantic_problems(doc, exc, model, prefix=(section, i)))
            kept[section] = good
        try:
            return RuleFile.model_validate({**data, **kept})
        except ValidationError as exc:
            self.problems.extend(pydantic_problems(doc, exc, RuleFile))
            self.fatal = True
            return None

    def collect(self, parsed: RuleFile, doc: Document, builtin: bool, seen: set[str]) -> None:
        if parsed.model is not None:
            if self.model is not None:
                first = self.model[1].where(("model",), key=True)[0]
                self.problems.append(
                    doc.problem(
                        ("model",),
                        f"the model is already defined in {self.model[1].file}:{first}",
                        key=True,
                        kind="duplicate",
                    )
                )
            else:
                self.model = (parsed.model, doc)
        for name, decl in parsed.facts.items():
            if name in self.decls or name in input_fields():
                self.problems.append(
                    doc.problem(("facts", name), f"fact {name!r} is already defined", key=True, kind="duplicate")
                )
            self.decls[name] = (decl, doc, ("facts", name))
        for i, rec in enumerate(parsed.recommendations):
            if rec.id in self.catalogue:
                self.problems.append(
                    doc.problem(
                        ("recommendations", i, "id"),
                        f"recommendation {rec.id!r} is already defined at {self.catalogue[rec.id].location}",
                        kind="duplicate",
                    )
                )
            if rec.upkeep and rec.effects:
                self.problems.append(
                    doc.problem(
                        ("recommendations", i, "effects"),
                        "an upkeep entry keeps up what is in place and changes no fact: leave out its effects",
                        kind="effects",
                    )
                )
            self.catalogue[rec.id] = Entry(catalogue_item(rec), doc, ("recommendations", i))
            self.raw_effects[rec.id] = rec.effects
        for name, rows in parsed.tables.items():
            if name in self.tables:
                self.problems.append(
                    doc.problem(("tables", name), f"table {name!r} is already defined", key=True, kind="duplicate")
                )
            self.tables[name] = rows
        for i, rule in enumerate(parsed.rules):
            path = ("rules", i)
            items = rule.for_each
            if isinstance(items, str):  # the rows of a table declared in this file or in one read before it
                if items not in self.tables:
                    self.problems.append(
                        doc.problem(
                            path + ("for_each",),
                            f"no table {items!r} (a table is "
                            "declared in this file or in one read before it)"
                            f"{suggest(items, self.tables)}",
                            kind="unknown-name",
                        )
                    )
                    continue
                items = self.tables[items]
            for bindings in items or [{}]:
                rule_id = str(substitute(rule.id, bindings))
                if not re.match(RULE_ID, rule_id):
                    hint = " (check the for_each variables)" if bindings else ""
                    self.problems.append(doc.problem(path + ("id",), f"rule id {rule_id!r} is not kebab-case{hint}"))
                    continue
                if rule_id in seen:
                    self.problems.append(
                        doc.problem(path + ("id",), f"duplicate rule id {rule_id!r}", kind="duplicate")
                    )
                    continue
                seen.add(rule_id)
                if rule_id in self.raw_rules:
                    if builtin:
                        self.problems.append(
                            doc.problem(path + ("id",), f"duplicate rule id {rule_id!r}", kind="duplicate")
                        )
                        continue
                    old = self.raw_rules[rule_id][1]
                    self.overrides[rule_id] = doc.problem(
                        path + ("id",), f"rule {rule_id!r} overrides the one in {old.file}"
                    )
                    del self.raw_rules[rule_id]
                self.raw_rules[rule_id] = (rule, doc, path, bindings)

    def specs(self, model: ModelDef) -> dict[str, FieldSpec]:
        stages = tuple(s.id for s in model.stages)
        comps = tuple(c.id for c in model.competencies)
        specs: dict[str, FieldSpec] = dict(input_fields())
        for comp in model.competencies:
            specs[f"level.{comp.id}"] = DerivedSpec(
                f"level.{comp.id}",
                "int",
                description=f"Level of {comp.name.en}",
                description_ru=f"Уровень компетенции «{comp.name.ru}»",
            )
        specs["stage"] = DerivedSpec("stage", "enum", stages, True, description="the company's stage")
        specs["gate"] = DerivedSpec("gate", "enum", stages, True, many=True, description="stage gates met")
        specs["recommendation"] = DerivedSpec(
            "recommendation", "enum", tuple(sorted(self.catalogue)), many=True, description="recommendations made"
        )
        specs["held_back"] = DerivedSpec(
            "held_back",
            "enum",
            tuple(sorted(self.catalogue)),
            many=True,
            description="recommendations held back, with the reason in the rule",
        )
        specs["weakest"] = DerivedSpec("weakest", "enum", comps, many=True, description="weakest competencies")
        for name, (decl, doc, path) in self.decls.items():
            values: tuple[str, ...] = ()
            if decl.type is FactType.ENUM:
                from_table = bool(decl.values_from and "." in decl.values_from)
                values = {"stages": stages, "competencies": comps}.get(decl.values_from or "", ())
                if from_table:
                    values = self.column(str(decl.values_from), doc, path + ("values_from",))
                values = tuple(decl.values or values)
                if not values and not from_table:  # (a table without the column is said by `column`)
                    self.problems.append(doc.problem(path, "an enum fact needs 'values' or 'values_from'"))
            elif decl.values or decl.values_from or decl.ordered:
                self.problems.append(doc.problem(path, "'values' and 'ordered' apply to enum facts only"))
            specs[name] = DerivedSpec(
                name,
                decl.type.value,
                values,
                decl.ordered,
                many=decl.many,
                description=decl.description.en,
                description_ru=decl.description.ru,
            )
        return specs

    def column(self, where: str, doc: Document, path: tuple) -> tuple[str, ...]:
        """The values of a table's column (``TABLE.COLUMN``), each once, in row order."""
        name, column = where.split(".", 1)
        rows = self.tables.get(name)
        if rows is None:
            self.problems.append(
                doc.problem(path, f"no table {name!r}{suggest(name, self.tables)}", kind="unknown-name")
            )
            return ()
        missing = [n + 1 for n, row in enumerate(rows) if column not in row]
        if missing:
            self.problems.append(
                doc.problem(path, f"row {missing[0]} of table {name!r} has no {column!r}", kind="missing")
            )
        return tuple(dict.fromkeys(str(row[column]) for row in rows if column in row))

    def build_rules(self, specs: dict[str, FieldSpec], model: ModelDef) -> list[Rule]:
        derived = {name for name in specs if name not in input_fields()}
        rules = []
        lo, hi = model.levels
        for rule_id, (rdef, doc, path, bindings) in self.raw_rules.items():
            raw_when = substitute(rdef.when, bindings)
            raw_then = substitute(rdef.then, bindings)
            try:
                condition = Parser(specs).parse(raw_when, path + ("when",))
                try:
                    branches = dnf(condition)
                except ConditionError as exc:
                    raise ConditionError(path + ("when",), exc.message, kind=exc.kind) from None
                conclusions = parse_then(raw_then, path + ("then",), specs, derived)
                check_sources(conclusions, branches)
            except ConditionError as exc:
                prefix = f"rule {rule_id!r}: " if bindings else ""
                self.problems.append(doc.problem(exc.path, prefix + exc.message, key=exc.key, kind=exc.kind))
                continue
            for c in conclusions:
                if c.fact.startswith("level.") and isinstance(c.value, int) and not lo <= c.value <= hi:
                    self.problems.append(doc.problem(c.path, f"a level runs from {lo} to {hi}, got {c.value}"))
            if not branches:
                self.problems.append(doc.problem(path + ("when",), "the condition can never hold"))
                continue
            rules.append(
                Rule(
                    id=rule_id,
                    title=bilingual(rdef.title, bindings),
                    because=bilingual(rdef.because, bindings),
                    source=str(substitute(rdef.source, bindings)),
                    status=rdef.status,
                    priority=rdef.priority,
                    aliases=list(rdef.aliases),
                    condition=condition,
                    branches=branches,
                    conclusions=conclusions,
                    doc=doc,
                    path=path,
                    bindings=bindings,
                    always=rdef.always or (len(branches) == 1 and not branches[0]),
                )
            )
        resolve_closes(rules, self.raw_rules, self.problems)
        return rules


def load_knowledge(extra: list[Path] | tuple[Path, ...] = (), *, builtin: bool = True) -> KnowledgeBase:
    """Load the built-in rules (unless ``builtin`` is false) plus ``extra`` folders."""
    loader = _Loader()
    folders = ([BUILTIN_DIR] if builtin else []) + [Path(p) for p in extra]
    for i, folder in enumerate(folders):
        loader.read(folder, builtin=builtin and i == 0)
    if loader.model is None and not loader.fatal:
        where = str(folders[0]) if folders else "rules"
        loader.problems.append(Problem(where, 1, 1, "model", "no rule file defines the model (stages, competencies)"))
    if loader.fatal or loader.model is None:
        raise SourceError(loader.problems)
    model, _ = loader.model
    check_catalogue(loader.catalogue, loader.raw_effects, model, loader.problems)
    specs = loader.specs(model)
    rules = loader.build_rules(specs, model)
    stratify(rules, loader.problems)
    if loader.problems:
        raise SourceError(loader.problems)
    order = {rule.id: n for n, rule in enumerate(rules)}
    rules.sort(key=lambda r: (r.stratum, order[r.id]))
    return KnowledgeBase(
        stages=[StageInfo(s.id, bilingual(s.name), bilingual(s.meaning)) for s in model.stages],
        competencies=[CompetencyInfo(c.id, bilingual(c.name)) for c in model.competencies],
        levels=(model.levels[0], model.levels[1]),
        model_source=model.source,
        specs=specs,
        catalogue=dict(sorted(loader.catalogue.items())),
        rules=[r for r in rules if r.status is not Status.DEPRECATED],
        digest=loader.digest.hexdigest()[:16],
        files=loader.files,
        warnings=list(loader.overrides.values()),
        overrides=sorted(loader.overrides),
        declared={name: (doc, path) for name, (_, doc, path) in loader.decls.items()},
    )
