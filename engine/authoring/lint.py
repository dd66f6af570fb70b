"""Lint a rule base: the loader's located schema problems plus semantic checks.

Every finding has a stable code (``CXL…``), a severity and a place in a rule
file, and prints as ``FILE:LINE:COL: CODE message``. :data:`CHECKS` documents
each code: what it finds, why it matters and how to fix it (English and
Russian); ``cxm rules lint --explain CODE`` prints that text.

The semantic checks read the conditions in normal form
(:attr:`~cxm.engine.knowledge.base.Rule.branches`) and decide satisfiability by
trying candidate values: for a single-valued fact, a conjunction of tests
against constants holds for some value only if it holds for a value at or next
to one of the constants, so trying those is exact. Tests that compare two facts
(``{fact: …}``) are not decided; they are assumed to hold, so the checks can
miss a problem but never invent one.
"""

from __future__ import annotations

import gc
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxm.engine.base.graph import cycles
from cxm.engine.knowledge.base import KnowledgeBase, Rule, is_many
from cxm.engine.knowledge.loader import load_knowledge
from cxm.engine.language.conclusions import Conclusion, Copy, Sum
from cxm.engine.language.conditions import Conjunction, Literal, Ref, Test
from cxm.engine.language.describe import describe
from cxm.engine.language.terms import Bilingual
from cxm.engine.runtime.evaluate import passes
from cxm.facts.source import Document, Path_, Problem, SourceError
from cxm.facts.vocabulary import input_fields

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Check:
    """One lint check: its stable code, severity and documentation."""

    code: str
    severity: str
    name: str
    what: Bilingual
    why: Bilingual
    fix: Bilingual


def _b(en: str, ru: str) -> Bilingual:
    return Bilingual(en=en, ru=ru)


CHECKS: dict[str, Check] = {c.code: c for c in [
    Check("CXL001", ERROR, "schema",
          _b("A rule file breaks the rule-file schema: a wrong key, type, operator or conclusion.",
             "Файл правил нарушает схему: неверный ключ, тип, оператор или вывод."),
          _b("A file that does not match the schema cannot be loaded; nothing is assessed until it is fixed.",
             "Файл, не соответствующий схеме, не загружается; пока он не исправлен, оценка невозможна."),
          _b("Follow the hint after the message ('did you mean ...'); rules/README.md documents the language.",
             "Следуйте подсказке в сообщении («did you mean ...»); язык правил описан в rules/README.md.")),
    Check("CXL002", ERROR, "unknown-fact",
          _b("A condition or conclusion names a fact that no input field or fact declaration provides.",
             "Условие или вывод ссылается на факт, которого нет ни среди входных полей, ни среди объявленных."),
          _b("A misspelt fact would make the rule silently useless.",
             "Опечатка в имени факта сделала бы правило бесполезным без всякого предупреждения."),
          _b("Fix the spelling (`cxm schema` lists input facts) or declare the fact under `facts:`.",
             "Исправьте имя (`cxm schema` перечисляет входные факты) или объявите факт в разделе `facts:`.")),
    Check("CXL003", ERROR, "unknown-value",
          _b("A value is not one of the choices of its fact (an enum value, stage, competency or recommendation "
             "the schema lacks).",
             "Значение не входит в допустимые для факта (значение перечисления, стадия, компетенция или "
             "рекомендация, которых нет в схеме)."),
          _b("A test against a value that cannot occur never holds.",
             "Проверка на значение, которое не может встретиться, никогда не выполняется."),
          _b("Use one of the values the message lists.", "Используйте одно из перечисленных в сообщении значений.")),
    Check("CXL004", ERROR, "duplicate-id",
          _b("Two rules, recommendations or facts share an id in the same rule folder.",
             "Два правила, рекомендации или факта с одним идентификатором в одной папке правил."),
          _b("Ids name rules in explanations, tests and docs; they must be unique and never reused.",
             "Идентификаторы используются в объяснениях, тестах и документации; они должны быть уникальны."),
          _b("Rename one of them; to replace a built-in rule, put yours in a folder given with --rules.",
             "Переименуйте одно из них; чтобы заменить встроенное правило, поместите своё в папку --rules.")),
    Check("CXL005", ERROR, "missing-text",
          _b("A rule, recommendation or fact lacks its English or Russian text, or its source.",
             "У правила, рекомендации или факта нет текста на английском или русском языке либо источника."),
          _b("Every conclusion is shown to users in both languages and must say where it comes from.",
             "Каждый вывод показывается пользователям на двух языках и должен ссылаться на источник."),
          _b("Add the missing `en`, `ru` or `source`.", "Добавьте недостающие `en`, `ru` или `source`.")),
    Check("CXL006", ERROR, "negation-cycle",
          _b("A rule tests the absence of a fact that it helps to produce.",
             "Правило проверяет отсутствие факта, который само помогает получить."),
          _b("Such a rule base has no consistent answer: the rule would undo its own premise.",
             "У такой базы правил нет непротиворечивого ответа: правило отменяет собственную посылку."),
          _b("Test something the rule does not conclude, or split the fact in two.",
             "Проверяйте факт, который правило не выводит, или разделите факт на два.")),
    Check("CXL007", WARNING, "override",
          _b("A rule in an extra folder (--rules) has the id of a built-in rule and replaces it.",
             "Правило из дополнительной папки (--rules) имеет идентификатор встроенного и заменяет его."),
          _b("Often intended, but an accidental clash silently changes the method.",
             "Обычно это намеренно, но случайное совпадение незаметно меняет методику."),
          _b("Keep it if intended (lint --strict then fails; run without --strict), otherwise rename the rule.",
             "Оставьте, если так задумано (тогда lint --strict завершится ошибкой), иначе переименуйте правило.")),
    Check("CXL101", ERROR, "contradiction",
          _b("A rule (or one alternative of its condition) can never hold: its tests on one fact contradict "
             "each other ('is a' and 'is b', 'at_least 5' and 'below 3', present and absent, a test and its "
             "negation).",
             "Правило (или один из вариантов его условия) никогда не выполняется: проверки одного факта "
             "противоречат друг другу («is a» и «is b», «at_least 5» и «below 3», есть и нет, проверка и её "
             "отрицание)."),
          _b("The rule is dead code: its conclusion is never reached, which is almost always a mistake.",
             "Правило мертво: его вывод никогда не делается, и почти всегда это ошибка."),
          _b("Correct the tests the message names; an alternative that can never hold can be deleted.",
             "Исправьте названные проверки; вариант, который не может выполниться, можно удалить.")),
    Check("CXL102", ERROR, "never-fires",
          _b("A rule can never fire because it needs a derived fact or value that no rule can conclude (for "
             "example a parent recommendation that is never made).",
             "Правило никогда не срабатывает: ему нужен выводимый факт или значение, которые не выводит ни одно "
             "правило (например, родительская рекомендация, которая никогда не делается)."),
          _b("The rule is dead code, usually after a rename or a deleted rule.",
             "Правило мертво; обычно так бывает после переименования или удаления другого правила."),
          _b("Add or fix the rule that should conclude the value, or change the test.",
             "Добавьте или исправьте правило, которое должно выводить значение, или измените проверку.")),
    Check("CXL103", WARNING, "unconcluded-fact",
          _b("A derived fact is declared under `facts:` but no rule concludes it.",
             "Выводимый факт объявлен в `facts:`, но ни одно правило его не выводит."),
          _b("Rules that test it never fire; tests of its absence always hold.",
             "Правила, проверяющие его, не срабатывают, а проверки его отсутствия выполняются всегда."),
          _b("Write the rule that concludes it, or delete the declaration.",
             "Напишите правило, которое его выводит, или удалите объявление.")),
    Check("CXL104", WARNING, "absence-always-holds",
          _b("A rule tests the absence of a derived fact (or value) that no rule can conclude.",
             "Правило проверяет отсутствие выводимого факта (или значения), которое не выводит ни одно правило."),
          _b("The test always holds, so it probably does not say what the author meant.",
             "Проверка выполняется всегда и, вероятно, означает не то, что задумал автор."),
          _b("Fix the fact or value, or drop the test.", "Исправьте факт или значение либо уберите проверку.")),
    Check("CXL201", WARNING, "shadowed",
          _b("A rule is shadowed: another rule with the same or a broader condition concludes everything it "
             "concludes.",
             "Правило перекрыто: другое правило с тем же или более широким условием делает все те же выводы."),
          _b("Whenever the shadowed rule fires, the other fires too; it adds nothing but a second reason.",
             "Когда срабатывает перекрытое правило, срабатывает и другое; оно добавляет лишь вторую причину."),
          _b("Delete the narrower rule, or make the broader one narrower.",
             "Удалите более узкое правило или сузьте более широкое.")),
    Check("CXL202", WARNING, "conflict",
          _b("Two rules conclude different values of a single-valued fact (or one recommends what the other "
             "holds back) and one's condition includes the other's.",
             "Два правила выводят разные значения однозначного факта (или одно рекомендует то, что другое "
             "откладывает), и условие одного включает условие другого."),
          _b("When both fire the company gets two contradicting answers.",
             "Когда срабатывают оба, компания получает два противоречащих ответа."),
          _b("Make the conditions exclusive (add the missing test to one of them).",
             "Сделайте условия взаимоисключающими (добавьте недостающую проверку в одно из них).")),
    Check("CXL301", ERROR, "cycle",
          _b("Derived facts support each other in a circle (a -> b -> a). A ladder of one fact whose rules "
             "conclude higher values from lower ones (rung 1 -> rung 2) is not a cycle and is allowed.",
             "Выводимые факты обосновывают друг друга по кругу (a -> b -> a). Лестница одного факта, где "
             "правила выводят большее значение из меньшего (ступень 1 -> ступень 2), циклом не считается."),
          _b("A circular derivation explains nothing and can make the engine run without end.",
             "Круговой вывод ничего не объясняет и может зациклить машину вывода."),
          _b("Break the circle: derive one of the facts from inputs only.",
             "Разорвите круг: выводите один из фактов только из входных данных.")),
    Check("CXL401", WARNING, "text",
          _b("A text looks untranslated or unfinished: Russian without Cyrillic letters, English with them, "
             "both the same, or a <variable> left over from for_each.",
             "Текст выглядит непереведённым или незаконченным: русский без кириллицы, английский с кириллицей, "
             "оба одинаковы или осталась <переменная> из for_each."),
          _b("Users read these texts next to every conclusion.",
             "Пользователи читают эти тексты рядом с каждым выводом."),
          _b("Translate or finish the text; add the variable to every for_each item.",
             "Переведите или допишите текст; добавьте переменную в каждый элемент for_each.")),
    Check("CXL501", WARNING, "unreachable-recommendation",
          _b("A catalogue recommendation that no rule can recommend.",
             "Рекомендация каталога, которую не может сделать ни одно правило."),
          _b("It is never shown to anyone.", "Она никогда никому не показывается."),
          _b("Write a rule that recommends it, or delete it from the catalogue.",
             "Напишите правило, которое её рекомендует, или удалите её из каталога.")),
]}


@dataclass(frozen=True, order=True)
class Finding:
    """One lint finding, printed ``FILE:LINE:COL: CODE message``."""

    file: str
    line: int
    col: int
    code: str
    message: str

    @property
    def severity(self) -> str:
        return CHECKS[self.code].severity

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.code} {self.message}"


@dataclass
class Report:
    """Every finding of a lint run, sorted, and what was linted."""

    findings: list[Finding]
    rules: int = 0
    files: int = 0
    loaded: bool = True  # false when schema errors stopped the semantic checks
    kb: KnowledgeBase | None = field(default=None, repr=False)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    def exit_code(self, strict: bool = False) -> int:
        return 1 if self.errors or (strict and self.warnings) else 0


# --- the loader's problems ---------------------------------------------------------------------

_TEXT_FIELDS = {"en", "ru", "source", "title", "because", "text", "description", "name", "meaning"}


_CODES = {"unknown-name": "CXL002", "bad-value": "CXL003", "duplicate": "CXL004", "cycle": "CXL006",
          "computed-cycle": "CXL301"}


def classify(problem: Problem) -> str:
    """The lint code of a problem the loader reported, from the sort of problem it is."""
    if problem.kind == "missing":
        last = re.split(r"[.\[]", problem.field)[-1]
        return "CXL005" if last in _TEXT_FIELDS else "CXL001"
    return _CODES.get(problem.kind, "CXL001")


def _from_problem(problem: Problem, code: str | None = None) -> Finding:
    return Finding(problem.file, problem.line, problem.col, code or classify(problem),
                   f"{problem.field}: {problem.message}")


# --- values and tests --------------------------------------------------------------------------

_ANY = object()  # a computed conclusion (copy, sum): any value of the fact's type


def _consts(tests: Iterable[Test]) -> list[Any]:
    out: list[Any] = []
    for t in tests:
        if isinstance(t.operand, Ref):
            continue
        if isinstance(t.operand, tuple):
            out.extend(t.operand)
        else:
            out.append(t.operand)
    return out


def _domain(spec: Any, consts: list[Any]) -> list[Any]:
    """Values of a fact enough to decide any conjunction of tests against ``consts``."""
    if spec.kind == "enum":
        return list(spec.values)
    if spec.kind == "bool":
        return [True, False]
    if spec.kind in ("int", "number"):
        step = 1 if spec.kind == "int" else 0.5
        nums = [c for c in consts if isinstance(c, int | float) and not isinstance(c, bool)]
        out = {n + d for n in nums for d in (-step, 0, step)} or {0}
        return sorted(out)
    if spec.kind == "text":
        return [*dict.fromkeys(consts), "\0other"]
    return []


def _plain(tests: Iterable[Test]) -> tuple[Test, ...]:
    return tuple(t for t in tests if not isinstance(t.operand, Ref))


def _allowed(tests: Iterable[Test]) -> set[Any] | None:
    """The only values an ``is`` or ``in`` test lets through, or None when no such test narrows them."""
    allowed: set[Any] | None = None
    for t in tests:
        if isinstance(t.operand, Ref) or t.op not in ("is", "in"):
            continue
        values = set(t.operand) if t.op == "in" else {t.operand}
        allowed = values if allowed is None else allowed & values
    return allowed


def _has_ref(lit: Literal) -> bool:
    return any(isinstance(t.operand, Ref) for t in lit.tests)


class Analysis:
    """Semantic facts about a loaded knowledge base, shared by lint, docs and graphs."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.inputs = set(input_fields())
        self.derived = {name for name in kb.specs if name not in self.inputs}
        self.producible: dict[str, set[Any]] = {}
        self.fires: set[str] = set()
        self._cands: dict[str, tuple[int, list[Any]]] = {}
        self.file_order = {name: i for i, name in enumerate(kb.files)}
        self._solve()

    # candidate values ---------------------------------------------------------------------------

    def candidates(self, fact: str, consts: list[Any], *, everything: bool = False,
                   allowed: set[Any] | None = None) -> list[Any]:
        """The values worth trying for a fact (``allowed``: the only ones an ``is``/``in`` test lets through)."""
        spec = self.kb.specs[fact]
        if allowed is not None:
            made = self.producible.get(fact, set())
            if fact in self.inputs or everything or _ANY in made:
                return sorted(allowed, key=repr)
            return sorted((v for v in allowed if v in made), key=repr)
        if fact in self.inputs or everything:
            return _domain(spec, consts)
        made = self.producible.get(fact, set())
        cached = self._cands.get(fact)
        if cached is not None and cached[0] == len(made) and not consts:
            return cached[1]
        literal = [v for v in made if v is not _ANY]
        if _ANY in made:
            return list(dict.fromkeys([*_domain(spec, consts), *literal]))
        out = sorted(literal, key=repr)
        self._cands[fact] = (len(made), out)
        return out

    def _passes(self, fact: str, value: Any, tests: Iterable[Test]) -> bool:
        try:
            return all(passes(self.kb, fact, value, t, {}) for t in tests)
        except (TypeError, ValueError):
            return True  # a value the test cannot compare: do not decide

    # satisfiability ------------------------------------------------------------------------------

    def fact_ok(self, fact: str, lits: list[Literal], *, everything: bool = False) -> bool:
        """Whether the literals of one conjunction on one fact can all hold."""
        spec = self.kb.specs[fact]
        pos = [lit for lit in lits if not lit.negated]
        neg = [lit for lit in lits if lit.negated and not _has_ref(lit)]
        if spec.kind == "list":
            return not pos or self._list_ok(fact, pos, neg)
        if not pos:
            return True  # the fact may be absent (or hold a value no negated test matches)
        consts = _consts(t for lit in lits for t in lit.tests)

        def free(v: Any) -> bool:  # the value escapes every negated test
            return not any(self._passes(fact, v, lit.tests) for lit in neg)

        if is_many(spec):
            for lit in pos:
                tests = _plain(lit.tests)
                cands = self.candidates(fact, consts, everything=everything, allowed=_allowed(tests))
                if not any(self._passes(fact, v, tests) and free(v) for v in cands):
                    return False
            return True
        tests = tuple(t for lit in pos for t in _plain(lit.tests))
        cands = self.candidates(fact, consts, everything=everything, allowed=_allowed(tests))
        return any(self._passes(fact, v, tests) and free(v) for v in cands)

    def _list_ok(self, fact: str, pos: list[Literal], neg: list[Literal]) -> bool:
        required: set[Any] = set()
        options: list[tuple[Any, ...]] = []
        for lit in pos:
            for t in _plain(lit.tests):
                if t.op == "has":
                    required.add(t.operand)
                elif t.op == "has_all":
                    required.update(t.operand)
                elif t.op == "has_any":
                    options.append(tuple(t.operand))
        for n, choice in enumerate(itertools.product(*options)):
            if n > 512:
                return True  # too many to try: do not decide
            chosen = sorted(required | set(choice), key=str)
            if not any(self._passes(fact, chosen, lit.tests) for lit in neg):
                return True
        return False

    def branch_problem(self, branch: Conjunction, *, everything: bool = False) -> str | None:
        """The first fact whose tests cannot hold in this alternative, or None."""
        by_fact: dict[str, list[Literal]] = {}
        for lit in branch:
            by_fact.setdefault(lit.fact, []).append(lit)
        for fact, lits in by_fact.items():
            if not self.fact_ok(fact, lits, everything=everything):
                return fact
        return None

    def _solve(self) -> None:
        """Which rules can fire and which values each derived fact can take (a least fixpoint)."""
        readers: dict[str, list[Rule]] = {}
        for rule in self.kb.rules:
            for fact in {lit.fact for b in rule.branches for lit in b if not lit.negated}:
                readers.setdefault(fact, []).append(rule)
        queue = list(self.kb.rules)
        queued = {r.id for r in queue}
        while queue:
            rule = queue.pop()
            queued.discard(rule.id)
            if rule.id in self.fires:
                continue
            if not any(self.branch_problem(b) is None for b in rule.branches):
                continue
            self.fires.add(rule.id)
            for c in rule.conclusions:
                made = self.producible.setdefault(c.fact, set())
                value = _ANY if isinstance(c.value, Copy | Sum) else c.value
                if value not in made:
                    made.add(value)
                    for reader in readers.get(c.fact, []):
                        if reader.id not in self.fires and reader.id not in queued:
                            queue.append(reader)
                            queued.add(reader.id)

    # implication ---------------------------------------------------------------------------------

    def implies(self, a: Literal, b: Literal) -> bool:
        """Whether literal ``a`` holding guarantees ``b`` holds (same fact; refs must match exactly)."""
        if a.fact != b.fact or a.negated != b.negated:
            return False
        if a == b:
            return True
        strong, weak = (a, b) if not a.negated else (b, a)  # not X implies not Y when Y implies X
        if {t for t in weak.tests if isinstance(t.operand, Ref)} - set(strong.tests):
            return False
        spec = self.kb.specs[a.fact]
        if spec.kind == "list":
            return set(_plain(weak.tests)) <= set(_plain(strong.tests))
        consts = _consts([*strong.tests, *weak.tests])
        cands = _domain(spec, consts)
        return all(self._passes(a.fact, v, _plain(weak.tests)) for v in cands
                   if self._passes(a.fact, v, _plain(strong.tests)))

    def branch_implies(self, narrow: Conjunction, broad: Conjunction) -> bool:
        """Whether ``narrow`` holding guarantees ``broad`` holds (every literal of broad is implied)."""
        return all(any(self.implies(n, b) for n in narrow if n.fact == b.fact) for b in broad)


# --- the checks ---------------------------------------------------------------------------------


def _at(doc: Document, path: Path_, code: str, message: str, *, key: bool = False) -> Finding:
    line, col = doc.where(path, key=key)
    return Finding(doc.file, line, col, code, message)


def _rule_at(rule: Rule, code: str, message: str, sub: Path_ = ("id",)) -> Finding:
    return _at(rule.doc, rule.path + sub, code, message)


def _conclusion_text(c: Conclusion) -> str:
    if isinstance(c.value, Copy):
        return f"{c.fact} = {c.value.fact}" + (f" + {c.value.plus}" if c.value.plus else "")
    if isinstance(c.value, Sum):
        return f"{c.fact} = sum of {', '.join(c.value.facts)}"
    value = str(c.value).lower() if isinstance(c.value, bool) else c.value
    return f"{c.fact} = {value}"


def _never(an: Analysis) -> list[Finding]:
    out = []
    for rule in an.kb.rules:
        dead = [(i, b, an.branch_problem(b, everything=True)) for i, b in enumerate(rule.branches)]
        contradicted = [(i, b, fact) for i, b, fact in dead if fact is not None]
        for i, branch, fact in contradicted:
            lits = [lit for lit in branch if lit.fact == fact]
            tests = "; ".join(dict.fromkeys(f"'{describe(lit)}'" for lit in lits))
            if len(contradicted) == len(rule.branches):
                what = f"rule {rule.id!r} can never fire"
            else:
                what = f"alternative {i + 1} of rule {rule.id!r} can never hold"
            out.append(_at(rule.doc, lits[-1].path, "CXL101", f"{what}: these tests on {fact!r} cannot all hold: "
                                                              f"{tests}"))
        if contradicted or rule.id in an.fires:
            continue
        for branch in rule.branches:
            fact = an.branch_problem(branch)
            if fact is None:
                continue
            lits = [lit for lit in branch if lit.fact == fact and not lit.negated]
            lit = lits[0] if lits else branch[0]
            need = describe(lit)
            out.append(_at(rule.doc, lit.path, "CXL102", f"rule {rule.id!r} can never fire: it needs '{need}', "
                                                         "which no rule can conclude"))
            break
    return out


def _absence(an: Analysis) -> list[Finding]:
    out = []
    for rule in an.kb.rules:
        if rule.id not in an.fires:
            continue
        for branch in rule.branches:
            for lit in branch:
                if not lit.negated or lit.fact not in an.derived or _has_ref(lit):
                    continue
                made = an.producible.get(lit.fact, set())
                if _ANY in made:
                    continue
                if not any(an._passes(lit.fact, v, lit.tests) for v in made):
                    out.append(_at(rule.doc, lit.path, "CXL104", f"rule {rule.id!r} tests '{describe(lit)}', which "
                                                                 "always holds: no rule concludes that"))
    return out


def _unconcluded(an: Analysis) -> list[Finding]:
    return [_at(doc, path, "CXL103", f"fact {name!r} is declared but no rule concludes it", key=True)
            for name, (doc, path) in an.kb.declared.items() if not an.kb.producing(name)]


def _location_order(an: Analysis, rule: Rule) -> tuple[int, str, int, int, str]:
    """Load order: extra folders come after the built-in one, files in order, then lines."""
    line, col = rule.doc.where(rule.path)
    return (an.file_order.get(rule.file, len(an.file_order)), rule.file, line, col, rule.id)


def _shadowed(an: Analysis) -> list[Finding]:
    index: dict[Conclusion, list[Rule]] = {}
    live = [r for r in an.kb.rules if r.id in an.fires]
    for rule in live:
        for c in rule.conclusions:
            index.setdefault(c, []).append(rule)
    out = []
    for rule in live:
        mine = set(rule.conclusions)
        for other in index.get(rule.conclusions[0], []) if rule.conclusions else []:
            if other is rule or not mine <= set(other.conclusions):
                continue
            if not all(any(an.branch_implies(b, a) for a in other.branches) for b in rule.branches):
                continue
            mutual = set(other.conclusions) <= mine and all(
                any(an.branch_implies(a, b) for b in rule.branches) for a in other.branches)
            if mutual and _location_order(an, other) > _location_order(an, rule):
                continue  # equivalent rules: report the later one only
            out.append(_rule_at(rule, "CXL201", f"rule {rule.id!r} is shadowed by {other.id!r} ({other.location}): "
                                                "whenever it fires, that rule fires too and concludes the same"))
            break
    return out


def _conflicts(an: Analysis) -> list[Finding]:
    groups: dict[str, list[tuple[Rule, Any, str]]] = {}
    for rule in an.kb.rules:
        if rule.id not in an.fires:
            continue
        for c in rule.conclusions:
            if isinstance(c.value, Copy | Sum):
                continue
            spec = an.kb.specs[c.fact]
            if c.fact in ("recommendation", "held_back"):
                groups.setdefault(f"rec:{c.value}", []).append((rule, c.fact, _conclusion_text(c)))
            elif not is_many(spec):
                groups.setdefault(c.fact, []).append((rule, c.value, _conclusion_text(c)))
    out = []
    for members in groups.values():
        for (r1, v1, t1), (r2, v2, t2) in itertools.combinations(members, 2):
            if v1 == v2 or r1 is r2:
                continue
            first, second = sorted([(r1, t1), (r2, t2)], key=lambda x: _location_order(an, x[0]))
            if _overlap(an, first[0], second[0]):
                out.append(_rule_at(second[0], "CXL202", f"rule {second[0].id!r} concludes {second[1]} but "
                                                         f"{first[0].id!r} ({first[0].location}) concludes "
                                                         f"{first[1]}, and one condition includes the other"))
    return out


def _overlap(an: Analysis, r1: Rule, r2: Rule) -> bool:
    for a in r1.branches:
        for b in r2.branches:
            if (an.branch_implies(a, b) or an.branch_implies(b, a)) and an.branch_problem(a + b) is None:
                return True
    return False


def _nodes_read(an: Analysis, lit: Literal) -> list[tuple[str, Any]]:
    made = an.producible.get(lit.fact, set())
    tests = _plain(lit.tests)
    allowed = _allowed(tests)
    pool = made if allowed is None else [v for v in allowed if v in made]
    out: list[tuple[str, Any]] = [(lit.fact, v) for v in pool if v is not _ANY and an._passes(lit.fact, v, tests)]
    if _ANY in made:
        out.append((lit.fact, _ANY))
    return out


def _cycles(an: Analysis) -> list[Finding]:
    """Strongly connected parts of the graph of derived values (fact, value); a ladder is acyclic."""
    edges: dict[tuple[str, Any], set[tuple[str, Any]]] = {}
    via: dict[tuple[tuple[str, Any], tuple[str, Any]], Rule] = {}
    for rule in an.kb.rules:
        if rule.id not in an.fires:
            continue
        targets = [(c.fact, _ANY if isinstance(c.value, Copy | Sum) else c.value) for c in rule.conclusions]
        sources: list[tuple[str, Any]] = []
        for branch in rule.branches:
            for lit in branch:
                if lit.fact in an.derived:
                    sources.extend(_nodes_read(an, lit))
                for ref in lit.refs():
                    if ref in an.derived:
                        sources.extend(_nodes_read(an, Literal(ref, (), False, lit.path)))
            for c in rule.conclusions:
                for src in c.sources():
                    if src in an.derived:
                        sources.extend(_nodes_read(an, Literal(src, (), False, c.path)))
        for s in sources:
            for t in targets:
                edges.setdefault(s, set()).add(t)
                via.setdefault((s, t), rule)
    out = []
    for comp in cycles(edges, key=_node_text):
        members = set(comp)
        rules = sorted({via[(s, t)].id for s in comp for t in edges.get(s, ()) if t in members
                        and (s, t) in via})
        first = min((an.kb.rule(r) for r in rules), key=lambda r: _location_order(an, r))
        names = sorted({_node_text(n) for n in comp})
        out.append(_rule_at(first, "CXL301", f"derived facts support each other in a circle: {' -> '.join(names)} "
                                             f"-> {names[0]} (rules: {', '.join(rules)})"))
    return out


def _node_text(node: tuple[str, Any]) -> str:
    fact, value = node
    if value is _ANY:
        return fact
    return f"{fact}={str(value).lower() if isinstance(value, bool) else value}"


_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_PLACEHOLDER = re.compile(r"<[a-z_][a-z0-9_]*>")


def _text_findings(doc: Document, path: Path_, text: Bilingual, where: str) -> list[Finding]:
    out = []
    for lang in ("en", "ru"):
        value = getattr(text, lang)
        left = _PLACEHOLDER.search(value)
        if left:
            out.append(_at(doc, path + (lang,), "CXL401", f"{where}: {left.group(0)} is left in the text; "
                                                          "add it to every for_each item"))
    if re.search(r"[A-Za-z]", text.ru) and not _CYRILLIC.search(text.ru):
        out.append(_at(doc, path + ("ru",), "CXL401", f"{where}: the Russian text has no Cyrillic letters"))
    if _CYRILLIC.search(text.en):
        out.append(_at(doc, path + ("en",), "CXL401", f"{where}: the English text contains Cyrillic letters"))
    return out


def _texts(an: Analysis) -> list[Finding]:
    out = []
    for rule in an.kb.rules:
        for part in ("title", "because"):
            out += _text_findings(rule.doc, rule.path + (part,), getattr(rule, part), f"rule {rule.id!r} {part}")
    for rec_id, entry in an.kb.catalogue.items():
        for part in ("title", "text"):
            out += _text_findings(entry.doc, entry.path + (part,), getattr(entry.rec, part),
                                  f"recommendation {rec_id!r} {part}")
    return out


def _unreachable(an: Analysis) -> list[Finding]:
    made = an.producible.get("recommendation", set())
    return [_at(entry.doc, entry.path + ("id",), "CXL501", f"recommendation {rec_id!r} is in the catalogue but no "
                                                           "rule can recommend it")
            for rec_id, entry in an.kb.catalogue.items() if rec_id not in made]


SEMANTIC = (_never, _absence, _unconcluded, _shadowed, _conflicts, _cycles, _texts, _unreachable)


def lint_kb(kb: KnowledgeBase) -> list[Finding]:
    """The semantic findings of a loaded knowledge base."""
    an = Analysis(kb)
    findings = {f for check in SEMANTIC for f in check(an)}
    findings |= {_from_problem(w, "CXL007") for w in kb.warnings}
    return sorted(findings)


def lint(extra: Iterable[Path] = (), *, builtin: bool = True) -> Report:
    """Load the rules (reporting schema problems as findings) and run every semantic check."""
    enabled = gc.isenabled()
    gc.disable()  # loading and checking allocate many small objects and free few: collecting would halve the speed
    try:
        try:
            kb = load_knowledge([Path(p) for p in extra], builtin=builtin)
        except SourceError as exc:
            files = {p.file for p in exc.problems}
            return Report(sorted({_from_problem(p) for p in exc.problems}), files=len(files), loaded=False)
        return Report(lint_kb(kb), rules=len(kb.rules), files=len(kb.files), kb=kb)
    finally:
        if enabled:
            gc.enable()
