"""What stops a batch run: input it cannot use, or SIGTERM."""

from __future__ import annotations

from pathlib import Path

from cxm.engine.base.errors import ProblemsError


class BatchError(ProblemsError):
    """The batch cannot run at all (unreadable input, bad header, foreign journal): every problem."""


class Interrupted(BaseException):
    """The run received SIGTERM: the journal keeps the rows finished so far (a BaseException, so that
    no per-row handler takes it for a row's failure)."""

    def __init__(self, journal: Path):
        self.journal = journal
        super().__init__(f"interrupted; the finished rows are kept in {journal}")
