"""Company facts: the schema, its strict loader and the example companies."""

from pathlib import Path

EXAMPLES_DIR = Path(__file__).parent / "examples"
