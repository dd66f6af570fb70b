"""Errors the engine reports to its callers (never raw durable-rules errors)."""

from __future__ import annotations


class EngineError(Exception):
    """The inference engine failed; the message names the rule and its file."""


class EngineUnavailable(EngineError):
    """durable-rules cannot be imported on this Python."""
