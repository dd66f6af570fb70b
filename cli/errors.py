"""The one error boundary of the ``cxm`` command: the project's errors become messages and exit codes.

Exit codes: 0 the command did its job; 1 it found problems (lint findings, failing rule tests, an audit
over its limit), or something that is not the input's fault failed (the engine, the history store);
2 bad input or usage (a facts or rule file, a batch input, a recommendation id, a command line).
Commands raise; only :func:`handle` prints errors and chooses the code.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys

import click

from cxm.facts.errors import BAD_INPUT, FAILED, CxmError

OK = 0


class Failure(CxmError):
    """A command's own unsuccessful outcome: its message lines (none if it already printed them) and exit code."""

    exit_code = FAILED

    def __init__(self, *lines: str):
        self.lines = lines
        super().__init__("\n".join(lines))

    def messages(self) -> list[str]:
        return list(self.lines)


class Findings(Failure):
    """The command reported problems in what it checked (exit 1); its report is already printed."""

    exit_code = FAILED


class Rejected(Failure):
    """Some of the input was bad (exit 2): e.g. batch rows that could not be assessed, or an unknown name."""

    exit_code = BAD_INPUT


def handle(exc: Exception) -> int | None:
    """Print ``exc`` the way users expect and return the exit code, or None when it is not the project's error.

    The project's errors are the :class:`~cxm.facts.errors.CxmError` instances, each with its lines and exit code; a
    failing file or stream (:class:`OSError`) is one line and exit 1.
    """
    from cxm.cli.render import terminal_safe

    if isinstance(exc, CxmError):
        lines, code = exc.messages(), exc.exit_code
    elif isinstance(exc, OSError) and exc.errno != errno.EPIPE:  # a broken pipe is click's (it stays quiet)
        lines, code = [_os_error(exc)], FAILED
    else:
        return None
    for line in lines:
        click.echo(terminal_safe(line), err=True)
    return code


def _os_error(exc: OSError) -> str:
    """A failing file or stream in one line. A stream without a name is the output (stdout on a full disk,
    ``/dev/full``): it is pointed at ``/dev/null`` so that the exit does not fail on it a second time."""
    reason = exc.strerror or str(exc)
    if exc.filename is not None:
        return f"error: {exc.filename}: {reason}"
    with contextlib.suppress(OSError, io.UnsupportedOperation, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    return f"error: cannot write the output: {reason}"
