"""Load rule folders into a checked :class:`KnowledgeBase`; every problem is located.

The built-in folder comes first; each extra folder may add rules, facts and
recommendations, and a rule whose id is already defined replaces the earlier
one (with a warning).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cxm.engine.base.graph import cycle_of
from cxm.engine.knowledge.base import CatalogueItem, CompetencyInfo, DerivedSpec, Entry, KnowledgeBase, Rule, StageInfo
from cxm.engine.language.conclusions import Conclusion, Copy, Sum, check_sources, parse_then
from cxm.engine.language.conditions import ConditionError, Parser, dnf
from cxm.engine.language.effects import parse_effects
from cxm.engine.language.ruleschema import RULE_ID, FactType, ModelDef, Recommendation, RuleDef, RuleFile
from cxm.engine.language.ruleschema import Bilingual as BilingualText
from cxm.engine.language.terms import Bilingual, Kind, Status
from cxm.facts.files import NotAFile, check_file
from cxm.facts.source import MAX_BYTES, Document, Problem, SourceError, read_document
from cxm.facts.validation import problems as pydantic_problems
from cxm.facts.validation import suggest
from cxm.facts.vocabulary import FieldSpec, input_fields
from cxm.rules import BUILTIN_DIR, display_path, rule_files

_VAR = re.compile(r"<([a-z_][a-z0-9_]*)>")


def _substitute(raw: Any, bindings: dict[str, Any]) -> Any:
    """``raw`` with every ``<name>`` replaced; a text that is exactly one ``<name>`` takes the value as it is
    (so ``at_least: <n>`` with ``n: 5`` compares with the number 5)."""
    if not bindings:  # a rule without for_each: nothing to substitute (keeps loading 5,000 rules fast)
        return raw
    if isinstance(raw, str):
        whole = _VAR.fullmatch(raw)
        if whole and whole.group(1) in bindings:
            return bindings[whole.group(1)]
        return _VAR.sub(lambda m: str(bindings.get(m.group(1), m.group(0))), raw)
    if isinstance(raw, list):
        return [_substitute(x, bindings) for x in raw]
    if isinstance(raw, dict):
        return {str(_substitute(k, bindings)): _substitute(v, bindings) for k, v in raw.items()}
    return raw


class _Loader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.fatal = False  # a whole file could not be read: checking the rest would mislead
        self.overrides: dict[str, Problem] = {}  # rule id -> the warning that a later folder replaced it
        self.model: tuple[ModelDef, Document] | None = None
        self.decls: dict[str, tuple[Any, Document, tuple]] = {}
        self.catalogue: dict[str, Entry] = {}
        self.raw_effects: dict[str, dict[str, Any]] = {}
        self.raw_rules: dict[str, tuple[RuleDef, Document, tuple, dict[str, str]]] = {}
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
                self.problems.append(doc.problem((), "expected a mapping with model, facts, recommendations "
                                                     "or rules"))
                self.fatal = True
                continue
            if "company" in doc.data and not {"model", "facts", "recommendations", "rules"} & set(doc.data):
                self.problems.append(doc.problem(("company",), "refused: a facts file (a company, and no model, "
                                                 "facts, recommendations or rules), not a rule file; a rules folder "
                                                 "reads every *.yaml in it and below but skips *.facts.yaml: move it "
                                                 f"out, or rename it {path.name.rsplit('.', 1)[0]}.facts.yaml",
                                                 key=True))
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
                self.problems.append(doc.problem(("model",), f"the model is already defined in "
                                                            f"{self.model[1].file}:{first}", key=True,
                                                 kind="duplicate"))
            else:
                self.model = (parsed.model, doc)
        for name, decl in parsed.facts.items():
            if name in self.decls or name in input_fields():
                self.problems.append(doc.problem(("facts", name), f"fact {name!r} is already defined", key=True,
                                                 kind="duplicate"))
            self.decls[name] = (decl, doc, ("facts", name))
        for i, rec in enumerate(parsed.recommendations):
            if rec.id in self.catalogue:
                self.problems.append(doc.problem(("recommendations", i, "id"), f"recommendation {rec.id!r} is "
                                                 f"already defined at {self.catalogue[rec.id].location}",
                                                 kind="duplicate"))
            self.catalogue[rec.id] = Entry(_item(rec), doc, ("recommendations", i))
            self.raw_effects[rec.id] = rec.effects
        for i, rule in enumerate(parsed.rules):
            for bindings in rule.for_each or [{}]:
                rule_id = str(_substitute(rule.id, bindings))
                path = ("rules", i)
                if not re.match(RULE_ID, rule_id):
                    hint = " (check the for_each variables)" if bindings else ""
                    self.problems.append(doc.problem(path + ("id",), f"rule id {rule_id!r} is not kebab-case{hint}"))
                    continue
                if rule_id in seen:
                    self.problems.append(doc.problem(path + ("id",), f"duplicate rule id {rule_id!r}",
                                                     kind="duplicate"))
                    continue
                seen.add(rule_id)
                if rule_id in self.raw_rules:
                    if builtin:
                        self.problems.append(doc.problem(path + ("id",), f"duplicate rule id {rule_id!r}",
                                                     kind="duplicate"))
                        continue
                    old = self.raw_rules[rule_id][1]
                    self.overrides[rule_id] = doc.problem(path + ("id",), f"rule {rule_id!r} overrides the one in "
                                                          f"{old.file}")
                    del self.raw_rules[rule_id]
                self.raw_rules[rule_id] = (rule, doc, path, bindings)

    def specs(self, model: ModelDef) -> dict[str, FieldSpec]:
        stages = tuple(s.id for s in model.stages)
        comps = tuple(c.id for c in model.competencies)
        specs: dict[str, FieldSpec] = dict(input_fields())
        for comp in model.competencies:
            specs[f"level.{comp.id}"] = DerivedSpec(f"level.{comp.id}", "int", description=f"Level of {comp.name.en}",
                                                    description_ru=f"Уровень компетенции «{comp.name.ru}»")
        specs["stage"] = DerivedSpec("stage", "enum", stages, True, description="the company's stage")
        specs["gate"] = DerivedSpec("gate", "enum", stages, True, many=True, description="stage gates met")
        specs["recommendation"] = DerivedSpec("recommendation", "enum", tuple(sorted(self.catalogue)),
                                              many=True, description="recommendations made")
        specs["held_back"] = DerivedSpec("held_back", "enum", tuple(sorted(self.catalogue)), many=True,
                                         description="recommendations held back, with the reason in the rule")
        specs["weakest"] = DerivedSpec("weakest", "enum", comps, many=True, description="weakest competencies")
        for name, (decl, doc, path) in self.decls.items():
            values: tuple[str, ...] = ()
            if decl.type is FactType.ENUM:
                values = {"stages": stages, "competencies": comps}.get(decl.values_from or "", ())
                values = tuple(decl.values or values)
                if not values:
                    self.problems.append(doc.problem(path, "an enum fact needs 'values' or 'values_from'"))
            elif decl.values or decl.values_from or decl.ordered:
                self.problems.append(doc.problem(path, "'values' and 'ordered' apply to enum facts only"))
            specs[name] = DerivedSpec(name, decl.type.value, values, decl.ordered, many=decl.many,
                                      description=decl.description.en, description_ru=decl.description.ru)
        return specs

    def check_catalogue(self, model: ModelDef) -> None:
        comps = [c.id for c in model.competencies]
        parent_kind = {Kind.ACTION: Kind.DECISION, Kind.TOOL: Kind.ACTION}
        for entry in self.catalogue.values():
            rec, doc, path = entry.rec, entry.doc, entry.path
            if rec.competency not in comps:
                self.problems.append(doc.problem(path + ("competency",), f"unknown competency {rec.competency!r}"
                                                 f"{suggest(rec.competency, comps)}", kind="bad-value"))
            raw_effects = self.raw_effects.get(rec.id)
            if raw_effects:
                try:
                    effects = parse_effects(raw_effects, path + ("effects",), input_fields())
                    entry.rec = dataclasses.replace(rec, effects=effects)
                except ConditionError as exc:
                    self.problems.append(doc.problem(exc.path, exc.message, key=exc.key, kind=exc.kind))
            if rec.kind is Kind.DECISION:
                if rec.serves:
                    self.problems.append(doc.problem(path + ("serves",), "a decision serves nothing"))
                continue
            parent = self.catalogue.get(rec.serves or "")
            want = parent_kind[rec.kind].value
            if parent is None:
                hint = suggest(rec.serves or "", self.catalogue) if rec.serves else ""
                why = (f"{rec.serves!r} is not in the catalogue{hint}" if rec.serves
                       else f"add 'serves: <id of the {want}>'")
                self.problems.append(doc.problem(path + ("serves",), f"{_a(rec.kind.value)} must serve "
                                                 f"{_a(want)}; {why}", kind="bad-value"))
            elif parent.rec.kind.value != want:
                self.problems.append(doc.problem(path + ("serves",), f"{_a(rec.kind.value)} serves {_a(want)}, "
                                                 f"but {rec.serves!r} is {_a(parent.rec.kind.value)}"))

    def build_rules(self, specs: dict[str, FieldSpec], model: ModelDef) -> list[Rule]:
        derived = {name for name in specs if name not in input_fields()}
        rules = []
        lo, hi = model.levels
        for rule_id, (rdef, doc, path, bindings) in self.raw_rules.items():
            raw_when = _substitute(rdef.when, bindings)
            raw_then = _substitute(rdef.then, bindings)
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
            rules.append(Rule(
                id=rule_id, title=_text(rdef.title, bindings),
                because=_text(rdef.because, bindings), source=rdef.source, status=rdef.status,
                priority=rdef.priority, aliases=list(rdef.aliases), condition=condition, branches=branches,
                conclusions=conclusions, doc=doc, path=path, bindings=bindings,
                always=rdef.always or (len(branches) == 1 and not branches[0]),
            ))
        self.resolve_closes(rules)
        return rules

    def resolve_closes(self, rules: list[Rule]) -> None:
        """Locate the test each gap rule's ``closes`` names: the rule must exist and test that fact."""
        by_id = {r.id: r for r in rules}
        for rule in rules:
            rdef = self.raw_rules[rule.id][0]
            if rdef.closes is None:
                continue
            rule_id = str(_substitute(rdef.closes.rule, rule.bindings))
            fact = str(_substitute(rdef.closes.fact, rule.bindings))
            here = rule.path + ("closes",)
            target = by_id.get(rule_id)
            if target is None:
                self.problems.append(rule.doc.problem(here + ("rule",), f"no rule {rule_id!r} to close a test of"
                                                      f"{suggest(rule_id, by_id)}", kind="bad-value"))
                continue
            lit = next((lit for branch in target.branches for lit in branch if lit.fact == fact), None)
            if lit is None:
                self.problems.append(rule.doc.problem(here + ("fact",), f"rule {rule_id!r} does not test "
                                                      f"{fact!r}", kind="bad-value"))
                continue
            line, col = target.doc.where(lit.path)
            rule.closes = (rule_id, fact, f"{target.doc.file}:{line}:{col}")

    def stratify(self, rules: list[Rule]) -> None:
        """Order rules so that a fact is complete before any rule tests its absence."""
        if self.negative_cycles(rules) | self.computed_cycles(rules):
            return
        producers: dict[str, list[Rule]] = {}
        for rule in rules:
            for fact in rule.produces():
                producers.setdefault(fact, []).append(rule)
        changed = True
        while changed:  # ends: without a cycle through 'not', strata are bounded by the number of facts
            changed = False
            for rule in rules:
                positive, negative = rule.needs()
                level = 0
                for fact in positive:
                    level = max([level] + [p.stratum for p in producers.get(fact, [])])
                for fact in negative:
                    level = max([level] + [p.stratum + 1 for p in producers.get(fact, [])])
                if level != rule.stratum:
                    rule.stratum, changed = level, True

    def negative_cycles(self, rules: list[Rule]) -> bool:
        """Report each rule that tests the absence of a fact its own conclusions lead back to."""
        edges: dict[str, set[str]] = {}
        for rule in rules:
            positive, negative = rule.needs()
            for fact in positive | negative:
                edges.setdefault(fact, set()).update(rule.produces())
        component = cycle_of(edges)
        found = False
        for rule in rules:
            _, negative = rule.needs()
            if any(component.get(f) is not None and component.get(f) == component.get(g)
                   for f in negative for g in rule.produces()):
                self.problems.append(rule.doc.problem(rule.path + ("when",), "this rule depends on the absence "
                                                      "of a fact that it helps to produce (a cycle through 'not')",
                                                      kind="cycle"))
                found = True
        return found

    def computed_cycles(self, rules: list[Rule]) -> bool:
        """Report each rule that computes a fact's value from itself, directly or through other rules.

        A value copied with an offset or added up along a circle of facts grows with every firing, so the
        engine would never stop (``counter`` -> ``counter + 1``). Circles of fixed values end, as every fact
        is asserted once; those are left to lint (CXL301).
        """
        edges: dict[str, set[str]] = {}
        growing: list[tuple[Rule, Conclusion]] = []
        for rule in rules:
            for conclusion in rule.conclusions:
                for source in conclusion.sources():
                    edges.setdefault(source, set()).add(conclusion.fact)
                value = conclusion.value
                if isinstance(value, Sum) or (isinstance(value, Copy) and value.plus):
                    growing.append((rule, conclusion))
        component = cycle_of(edges)
        found = False
        for rule, conclusion in growing:
            cycle = component.get(conclusion.fact)
            if cycle is None or not any(component.get(s) == cycle for s in conclusion.sources()):
                continue
            facts = sorted(f for f, c in component.items() if c == cycle)
            names = sorted({r.id for r in rules for c in r.conclusions if c.fact in facts
                            and any(s in facts for s in c.sources())})
            self.problems.append(rule.doc.problem(
                conclusion.path, f"this rule computes {conclusion.fact!r} from itself (circle: "
                f"{' -> '.join([*facts, facts[0]])}; rules: {', '.join(names)}), so the engine would never "
                "stop; compute it from other facts", kind="computed-cycle"))
            found = True
        return found


def _a(word: str) -> str:
    """``word`` with its indefinite article: "an action", "a tool"."""
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def _text(text: BilingualText, bindings: dict[str, str] | None = None) -> Bilingual:
    """A checked rule-file text as the knowledge base holds it (with ``<name>`` filled in)."""
    if not bindings:
        return Bilingual(en=text.en, ru=text.ru)
    return Bilingual(en=str(_substitute(text.en, bindings)), ru=str(_substitute(text.ru, bindings)))


def _item(rec: Recommendation) -> CatalogueItem:
    return CatalogueItem(
        id=rec.id, kind=rec.kind, serves=rec.serves, competency=rec.competency,
        effort=rec.effort, cost=rec.cost, requires=list(rec.requires), title=_text(rec.title), text=_text(rec.text),
        source=rec.source, horizon=rec.horizon or "months",
        track=rec.track or ("obligation" if any(str(f).startswith("compliance.") for f in rec.effects) else "plan"))


def load_knowledge(extra: list[Path] | tuple[Path, ...] = (), *, builtin: bool = True) -> KnowledgeBase:
    """Load the built-in rules (unless ``builtin`` is false) plus ``extra`` folders."""
    loader = _Loader()
    folders = ([BUILTIN_DIR] if builtin else []) + [Path(p) for p in extra]
    for i, folder in enumerate(folders):
        loader.read(folder, builtin=builtin and i == 0)
    if loader.model is None and not loader.fatal:
        where = str(folders[0]) if folders else "rules"
        loader.problems.append(Problem(where, 1, 1, "model", "no rule file defines the model (stages, "
                                                             "competencies)"))
    if loader.fatal or loader.model is None:
        raise SourceError(loader.problems)
    model, _ = loader.model
    loader.check_catalogue(model)
    specs = loader.specs(model)
    rules = loader.build_rules(specs, model)
    loader.stratify(rules)
    if loader.problems:
        raise SourceError(loader.problems)
    order = {rule.id: n for n, rule in enumerate(rules)}
    rules.sort(key=lambda r: (r.stratum, order[r.id]))
    return KnowledgeBase(
        stages=[StageInfo(s.id, _text(s.name), _text(s.meaning)) for s in model.stages],
        competencies=[CompetencyInfo(c.id, _text(c.name)) for c in model.competencies], levels=tuple(model.levels),
        model_source=model.source, specs=specs, catalogue=dict(sorted(loader.catalogue.items())),
        rules=[r for r in rules if r.status is not Status.DEPRECATED], digest=loader.digest.hexdigest()[:16],
        files=loader.files, warnings=list(loader.overrides.values()), overrides=sorted(loader.overrides),
        declared={name: (doc, path) for name, (_, doc, path) in loader.decls.items()},
    )
