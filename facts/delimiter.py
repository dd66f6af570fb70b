"""The delimiter of a CSV file as people have it: Excel writes ``,``, or ``;`` where the decimal mark is a comma
(Russian, German and most European locales), and "Unicode text" is tab-separated.

:func:`detect` reads it from the header line; :func:`hint` names the likely cause of an unknown header.
"""

from __future__ import annotations

from pathlib import Path

DELIMITERS = (",", ";", "\t")  # the order wins a tie; none found: a one-column file, read as ","
NAMES = {",": ",", ";": ";", "tab": "\t", "\\t": "\t"}  # --delimiter's values
HEADER_LIMIT = 65_536  # characters of the first line looked at


def shown(delimiter: str) -> str:
    """The delimiter as a message names it: ``';'``, ``','`` or ``tab``."""
    return "tab" if delimiter == "\t" else repr(delimiter)


def detect(header_line: str) -> str:
    """The delimiter found most often outside double quotes in ``header_line`` (``,`` on a tie or when none is)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif char in counts and not quoted:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))
    return best if counts[best] else ","


def detect_file(path: Path, encoding: str = "utf-8-sig") -> str:
    """The delimiter of the CSV file at ``path``, from its first line (a byte-order mark is skipped)."""
    with path.open(encoding=encoding, errors="surrogateescape", newline="") as handle:
        return detect(handle.readline(HEADER_LIMIT))


def choose(path: Path, given: str | None) -> tuple[str | None, str | None]:
    """A CSV file's delimiter (``given``, a --delimiter value, else detected from its header) and, when it was
    detected and is not a comma, its name to say so; (None, None) when the file cannot be read (its reader says
    why)."""
    if given is not None:
        return NAMES[given], None
    try:
        found = detect_file(path)
    except OSError:
        return None, None
    return found, (shown(found) if found != "," else None)


def hint(name: str, delimiter: str) -> str:
    """Why a header cell may not be known: another delimiter inside it (`` (the file looks ';'-separated: ...)``),
    or spaces around it; else empty."""
    for other in DELIMITERS:
        if other != delimiter and other in name:
            return (
                f" (the file looks {shown(other)}-separated, but was read as {shown(delimiter)}-separated: "
                f"use --delimiter {'tab' if other == chr(9) else repr(other)})"
            )
    if name != name.strip():
        return " (spaces around the name?)"
    return ""
