"""Errors the engine reports to its callers (never raw durable-rules errors)."""

from __future__ import annotations

from cxm.facts.errors import BAD_INPUT, FAILED, CxmError, ProblemsError

__all__ = ["BAD_INPUT", "FAILED", "CxmError", "EngineError", "EngineUnavailable", "ProblemsError"]


class EngineError(CxmError):
    """The inference engine failed; the message names the rule and its file (not the input's fault: exit 1)."""

    exit_code = FAILED


class EngineUnavailable(EngineError):
    """durable-rules cannot be imported on this Python."""
