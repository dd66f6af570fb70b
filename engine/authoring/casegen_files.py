"""The rule-test files casegen writes: generated cases replaced, hand-written cases kept byte for byte.

A case marked ``generated: true`` belongs to casegen and is rewritten on every run; any other case was written by
hand and is copied from the old file unchanged (its text, comments included, from its ``-`` line to the next
case). A hand case named like a generated one (``RULE-fires``, ``RULE-silent``) takes its place. The generated
cases are written first, at the hand cases' indentation, then the hand cases in their order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from cxm.engine.authoring.casegen import Generator, cases_for
from cxm.engine.knowledge.base import KnowledgeBase, Rule


class _NoAliases(yaml.SafeDumper):
    """Writes repeated facts in full: the facts reader refuses YAML anchors and aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def hand_cases(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The indentation of the cases' ``-`` and each hand-written case as ``(name, its text)``."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is None or not isinstance(root, yaml.MappingNode):
        return "", []
    items: list[yaml.Node] = next(
        (v.value for k, v in root.value if k.value == "cases" and isinstance(v, yaml.SequenceNode)), []
    )
    lines = text.splitlines(keepends=True)
    starts = [item.start_mark.line for item in items]
    # the first line of an item is the one with its "-": the item's own start, or the line above if "-" stands alone
    dashes = [s if lines[s].lstrip().startswith("-") else s - 1 for s in starts]
    indent = lines[dashes[0]][: len(lines[dashes[0]]) - len(lines[dashes[0]].lstrip())] if dashes else ""
    firsts = list(dashes)
    # comments and blank lines just above a case belong to it
    for i in range(len(firsts)):
        floor = dashes[i - 1] + 1 if i else 0
        while firsts[i] > floor and (not lines[firsts[i] - 1].strip() or lines[firsts[i] - 1].lstrip().startswith("#")):
            firsts[i] -= 1
    out = []
    for i, item in enumerate(items):
        data = yaml.safe_load(yaml.serialize(item))
        if isinstance(data, dict) and data.get("generated") is True:
            continue
        stop = firsts[i + 1] if i + 1 < len(items) else len(lines)
        name = data.get("name", "") if isinstance(data, dict) else ""
        out.append((str(name), "".join(lines[firsts[i] : stop])))
    return indent, out


def render(file: str, generated: list[dict[str, Any]], indent: str, hand: list[tuple[str, str]]) -> str:
    header = (
        f"# Rule tests for {file}. Cases marked `generated: true` are regression pins written by\n"
        "# `python -m cxm.engine.authoring.casegen` from the engine's own runs (rewritten on every run); the\n"
        "# other cases are written by hand and kept as they are.\n"
    )
    body = ""
    if generated:
        dumped = yaml.dump(generated, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=120)
        body = "".join(indent + line if line.strip() else line for line in dumped.splitlines(keepends=True))
    return header + "cases:\n" + body + "".join(text for _, text in hand)


def write_cases(kb: KnowledgeBase, gen: Generator, folder: Path) -> tuple[dict[str, int], list[str]]:
    """Rewrite the generated cases of the ``*.test.yaml`` beside each rule file; the number of generated cases per
    file, and the rules left without a case (to write by hand)."""
    by_file: dict[str, list[Rule]] = {}
    for rule in kb.rules:
        by_file.setdefault(rule.file, []).append(rule)
    written: dict[str, int] = {}
    missing: list[str] = []
    for file, rules in by_file.items():
        target = (
            folder / Path(file).relative_to(folder.name).with_suffix(".test.yaml")
            if file.startswith(folder.name + "/")
            else folder / Path(file).with_suffix(".test.yaml")
        )
        old = target.read_text(encoding="utf-8") if target.exists() else ""
        indent, hand = hand_cases(old)
        by_hand = {name for name, _ in hand}
        generated = []
        for rule in rules:
            cases, gap = cases_for(gen, rule)
            generated += [c for c in cases if c["name"] not in by_hand]
            if gap and f"{rule.id}-silent" not in by_hand:
                missing.append(f"{rule.location}: {rule.id}: {gap}")
        target.write_text(render(file, generated, indent, hand), encoding="utf-8")
        written[str(target)] = len(generated)
    return written, missing
