"""The built-in knowledge base: YAML rule files only (this module just locates them)."""

from pathlib import Path

BUILTIN_DIR = Path(__file__).parent
