"""The built-in knowledge base: YAML rule files only (this module just locates them)."""

from pathlib import Path

BUILTIN_DIR = Path(__file__).parent


NOT_RULES = (".test.yaml", ".facts.yaml")
"""Files a rules folder may hold that are not rule files: rule tests and the facts files they use."""


def rule_files(folder: Path) -> list[Path]:
    """The rule files of a folder, in a stable order (rule tests ``*.test.yaml`` and their facts files
    ``*.facts.yaml`` excluded)."""
    return sorted(p for p in folder.rglob("*.yaml") if not p.name.endswith(NOT_RULES))


def display_path(path: Path, folder: Path) -> str:
    """A rule file's path as messages show it: ``rules/…`` for a built-in file, the path as given otherwise."""
    if folder.resolve() == BUILTIN_DIR.resolve():
        return "rules/" + path.relative_to(folder).as_posix()
    return str(path)
