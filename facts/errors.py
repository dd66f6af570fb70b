"""The one base of the errors the project raises for its users, and its exit code.

It lives here, in the lowest layer, so that every layer above (the engine, the CLI) can raise its subclasses; the
CLI's boundary (``cxm.cli.errors.handle``) prints any of them and exits with its :attr:`CxmError.exit_code`.
"""

from __future__ import annotations

from typing import Any

BAD_INPUT = 2
"""The exit code of bad input or usage (a facts, rule or batch file, a recommendation id, a command line)."""
FAILED = 1
"""The exit code of a failure that is not the input's fault (the engine, the history store) or of problems found."""


class CxmError(Exception):
    """An error the project reports to its users: its message lines and its exit code (bad input by default)."""

    exit_code: int = BAD_INPUT

    def messages(self) -> list[str]:
        """The lines to print for it."""
        return [f"error: {self}"]


class ProblemsError(CxmError):
    """An input that cannot be used at all, with every problem found in it (one line each)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))

    def messages(self) -> list[str]:
        return [f"error: {p}" for p in self.problems]

    def __reduce__(self) -> tuple[Any, ...]:  # pickled with its problems (an error a worker process sends back)
        return (type(self), (self.problems,))
