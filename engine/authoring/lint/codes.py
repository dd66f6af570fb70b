"""The lint checks: each stable code (``CXL…``) with its severity and what it finds, why, and how to fix it."""

from __future__ import annotations

from cxm.engine.authoring.lint.check import ERROR, WARNING, Check, _b
from cxm.engine.authoring.lint.codes_effects import LATER_CHECKS

CHECKS: dict[str, Check] = {
    c.code: c
    for c in [
        Check(
            "CXL001",
            ERROR,
            "schema",
            _b(
                "A rule file breaks the rule-file schema: a wrong key, type, operator or conclusion.",
                "Файл правил нарушает схему: неверный ключ, тип, оператор или вывод.",
            ),
            _b(
                "A file that does not match the schema cannot be loaded; nothing is assessed until it is fixed.",
                "Файл, не соответствующий схеме, не загружается; пока он не исправлен, оценка невозможна.",
            ),
            _b(
                "Follow the hint after the message ('did you mean ...'); rules/README.md documents the language.",
                "Следуйте подсказке в сообщении («did you mean ...»); язык правил описан в rules/README.md.",
            ),
        ),
        Check(
            "CXL002",
            ERROR,
            "unknown-fact",
            _b(
                "A condition or conclusion names a fact that no input field or fact declaration provides.",
                "Условие или вывод ссылается на факт, которого нет ни среди входных полей, ни среди объявленных.",
            ),
            _b(
                "A misspelt fact would make the rule silently useless.",
                "Опечатка в имени факта сделала бы правило бесполезным без всякого предупреждения.",
            ),
            _b(
                "Fix the spelling (`cxm schema` lists input facts) or declare the fact under `facts:`.",
                "Исправьте имя (`cxm schema` перечисляет входные факты) или объявите факт в разделе `facts:`.",
            ),
        ),
        Check(
            "CXL003",
            ERROR,
            "unknown-value",
            _b(
                "A value is not one of the choices of its fact (an enum value, stage, competency or recommendation "
                "the schema lacks).",
                "Значение не входит в допустимые для факта (значение перечисления, стадия, компетенция или "
                "рекомендация, которых нет в схеме).",
            ),
            _b(
                "A test against a value that cannot occur never holds.",
                "Проверка на значение, которое не может встретиться, никогда не выполняется.",
            ),
            _b("Use one of the values the message lists.", "Используйте одно из перечисленных в сообщении значений."),
        ),
        Check(
            "CXL004",
            ERROR,
            "duplicate-id",
            _b(
                "Two rules, recommendations or facts share an id in the same rule folder.",
                "Два правила, рекомендации или факта с одним идентификатором в одной папке правил.",
            ),
            _b(
                "Ids name rules in explanations, tests and docs; they must be unique and never reused.",
                "Идентификаторы используются в объяснениях, тестах и документации; они должны быть уникальны.",
            ),
            _b(
                "Rename one of them; to replace a built-in rule, put yours in a folder given with --rules.",
                "Переименуйте одно из них; чтобы заменить встроенное правило, поместите своё в папку --rules.",
            ),
        ),
        Check(
            "CXL005",
            ERROR,
            "missing-text",
            _b(
                "A rule, recommendation or fact lacks its English or Russian text, or its source.",
                "У правила, рекомендации или факта нет текста на английском или русском языке либо источника.",
            ),
            _b(
                "Every conclusion is shown to users in both languages and must say where it comes from.",
                "Каждый вывод показывается пользователям на двух языках и должен ссылаться на источник.",
            ),
            _b("Add the missing `en`, `ru` or `source`.", "Добавьте недостающие `en`, `ru` или `source`."),
        ),
        Check(
            "CXL006",
            ERROR,
            "negation-cycle",
            _b(
                "A rule tests the absence of a fact that it helps to produce.",
                "Правило проверяет отсутствие факта, который само помогает получить.",
            ),
            _b(
                "Such a rule base has no consistent answer: the rule would undo its own premise.",
                "У такой базы правил нет непротиворечивого ответа: правило отменяет собственную посылку.",
            ),
            _b(
                "Test something the rule does not conclude, or split the fact in two.",
                "Проверяйте факт, который правило не выводит, или разделите факт на два.",
            ),
        ),
        Check(
            "CXL007",
            WARNING,
            "override",
            _b(
                "A rule in an extra folder (--rules) has the id of a built-in rule and replaces it.",
                "Правило из дополнительной папки (--rules) имеет идентификатор встроенного и заменяет его.",
            ),
            _b(
                "Often intended, but an accidental clash silently changes the method.",
                "Обычно это намеренно, но случайное совпадение незаметно меняет методику.",
            ),
            _b(
                "Keep it if intended (lint --strict then fails; run without --strict), otherwise rename the rule.",
                "Оставьте, если так задумано (тогда lint --strict завершится ошибкой), иначе переименуйте правило.",
            ),
        ),
        Check(
            "CXL008",
            ERROR,
            "inexpressible",
            _b(
                "A condition the rule engine cannot express: a fact compared with itself, facts compared with each "
                "other in a circle, or more comparisons with other facts in one alternative than durable-rules holds.",
                "Условие, которое движок правил не может выразить: факт сравнивается сам с собой, факты сравниваются "
                "друг с другом по кругу или в одной альтернативе больше сравнений с другими фактами, чем допускает "
                "durable-rules.",
            ),
            _b(
                "The engine would refuse the rule base at the first assessment; lint says so first, at the condition.",
                "Движок отказался бы загрузить базу правил при первой же оценке; lint сообщает об этом раньше и "
                "указывает на условие.",
            ),
            _b(
                "Compare the fact with another one, break the circle, or split the alternative into several rules.",
                "Сравнивайте факт с другим фактом, разорвите круг или разделите альтернативу на несколько правил.",
            ),
        ),
        Check(
            "CXL009",
            ERROR,
            "not-always",
            _b(
                "A rule declared `always: true` does not fire for one of the built-in examples.",
                "Правило с пометкой `always: true` не срабатывает для одного из встроенных примеров.",
            ),
            _b(
                "The mark excuses the rule from a silent rule-test case; a rule that can fall silent needs one.",
                "Пометка освобождает правило от случая, где оно молчит; правилу, которое может не сработать, он нужен.",
            ),
            _b(
                "Remove the mark and write a case in which the rule does not fire, or correct the condition.",
                "Уберите пометку и напишите случай, в котором правило не срабатывает, или исправьте условие.",
            ),
        ),
        Check(
            "CXL101",
            ERROR,
            "contradiction",
            _b(
                "A rule (or one alternative of its condition) can never hold: its tests on one fact contradict "
                "each other ('is a' and 'is b', 'at_least 5' and 'below 3', present and absent, a test and its "
                "negation).",
                "Правило (или один из вариантов его условия) никогда не выполняется: проверки одного факта "
                "противоречат друг другу («is a» и «is b», «at_least 5» и «below 3», есть и нет, проверка и её "
                "отрицание).",
            ),
            _b(
                "The rule is dead code: its conclusion is never reached, which is almost always a mistake.",
                "Правило мертво: его вывод никогда не делается, и почти всегда это ошибка.",
            ),
            _b(
                "Correct the tests the message names; an alternative that can never hold can be deleted.",
                "Исправьте названные проверки; вариант, который не может выполниться, можно удалить.",
            ),
        ),
        Check(
            "CXL102",
            ERROR,
            "never-fires",
            _b(
                "A rule can never fire because it needs a derived fact or value that no rule can conclude (for "
                "example a parent recommendation that is never made).",
                "Правило никогда не срабатывает: ему нужен выводимый факт или значение, которые не выводит ни одно "
                "правило (например, родительская рекомендация, которая никогда не делается).",
            ),
            _b(
                "The rule is dead code, usually after a rename or a deleted rule.",
                "Правило мертво; обычно так бывает после переименования или удаления другого правила.",
            ),
            _b(
                "Add or fix the rule that should conclude the value, or change the test.",
                "Добавьте или исправьте правило, которое должно выводить значение, или измените проверку.",
            ),
        ),
        Check(
            "CXL103",
            WARNING,
            "unconcluded-fact",
            _b(
                "A derived fact is declared under `facts:` but no rule concludes it.",
                "Выводимый факт объявлен в `facts:`, но ни одно правило его не выводит.",
            ),
            _b(
                "Rules that test it never fire; tests of its absence always hold.",
                "Правила, проверяющие его, не срабатывают, а проверки его отсутствия выполняются всегда.",
            ),
            _b(
                "Write the rule that concludes it, or delete the declaration.",
                "Напишите правило, которое его выводит, или удалите объявление.",
            ),
        ),
        Check(
            "CXL104",
            WARNING,
            "absence-always-holds",
            _b(
                "A rule tests the absence of a derived fact (or value) that no rule can conclude.",
                "Правило проверяет отсутствие выводимого факта (или значения), которое не выводит ни одно правило.",
            ),
            _b(
                "The test always holds, so it probably does not say what the author meant.",
                "Проверка выполняется всегда и, вероятно, означает не то, что задумал автор.",
            ),
            _b("Fix the fact or value, or drop the test.", "Исправьте факт или значение либо уберите проверку."),
        ),
        Check(
            "CXL201",
            WARNING,
            "shadowed",
            _b(
                "A rule is shadowed: another rule with the same or a broader condition concludes everything it "
                "concludes.",
                "Правило перекрыто: другое правило с тем же или более широким условием делает все те же выводы.",
            ),
            _b(
                "Whenever the shadowed rule fires, the other fires too; it adds nothing but a second reason.",
                "Когда срабатывает перекрытое правило, срабатывает и другое; оно добавляет лишь вторую причину.",
            ),
            _b(
                "Delete the narrower rule, or make the broader one narrower.",
                "Удалите более узкое правило или сузьте более широкое.",
            ),
        ),
        Check(
            "CXL202",
            WARNING,
            "conflict",
            _b(
                "Two rules conclude different values of a single-valued fact (or one recommends what the other "
                "holds back) and one's condition includes the other's.",
                "Два правила выводят разные значения однозначного факта (или одно рекомендует то, что другое "
                "откладывает), и условие одного включает условие другого.",
            ),
            _b(
                "When both fire the company gets two contradicting answers.",
                "Когда срабатывают оба, компания получает два противоречащих ответа.",
            ),
            _b(
                "Make the conditions exclusive (add the missing test to one of them).",
                "Сделайте условия взаимоисключающими (добавьте недостающую проверку в одно из них).",
            ),
        ),
        Check(
            "CXL301",
            ERROR,
            "cycle",
            _b(
                "Derived facts support each other in a circle (a -> b -> a). A ladder of one fact whose rules "
                "conclude higher values from lower ones (rung 1 -> rung 2) is not a cycle and is allowed.",
                "Выводимые факты обосновывают друг друга по кругу (a -> b -> a). Лестница одного факта, где "
                "правила выводят большее значение из меньшего (ступень 1 -> ступень 2), циклом не считается.",
            ),
            _b(
                "A circular derivation explains nothing and can make the engine run without end.",
                "Круговой вывод ничего не объясняет и может зациклить машину вывода.",
            ),
            _b(
                "Break the circle: derive one of the facts from inputs only.",
                "Разорвите круг: выводите один из фактов только из входных данных.",
            ),
        ),
    ]
    + LATER_CHECKS
}
