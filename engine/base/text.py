"""Characters that must not reach a reader raw: they hide, reorder or break the text around them.

C1 controls (and DEL) can drive a terminal; bidirectional overrides and isolates reorder what is
shown (a name can look like another); zero-width characters hide inside a name; U+2028 and U+2029
break lines in many viewers. JSON output writes all of them as ``\\uXXXX`` escapes (the same value,
read back by any JSON parser).
"""

from __future__ import annotations

import json
import re
from typing import Any

INVISIBLE = "\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
"""Bidi marks, overrides and isolates, zero-width characters, the line and paragraph separators, BOM."""

_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{INVISIBLE}]")


def json_safe(text: str) -> str:
    """JSON text (as ``json.dumps(..., ensure_ascii=False)`` writes it) with the characters above escaped.

    They can only stand inside strings there, where ``\\uXXXX`` means the same character.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def dumps(value: Any, **options: Any) -> str:
    """``json.dumps`` with ``ensure_ascii=False`` and :func:`json_safe`."""
    return json_safe(json.dumps(value, ensure_ascii=False, **options))
