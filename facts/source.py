"""Strict YAML/JSON reading that keeps the position of every node.

PyYAML only *composes* the document (builds a node graph; no tag is ever
constructed, so nothing in a file can run). This module turns that graph into
plain Python values and a map from each path to its line and column, and
rejects what a hand-written data file should never contain: duplicate keys,
non-string keys, explicit tags, YAML 1.1 surprises (``NO`` read as false, dates
turned into objects) and alias bombs.
"""

from __future__ import annotations

import dataclasses
import json
import pickle
import re
import sys
from dataclasses import field
from pathlib import Path
from typing import Any, cast

import yaml

from cxm.facts.errors import CxmError
from cxm.facts.record import record

try:  # the C composer is ~10x faster; fall back when libyaml is missing
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

Path_ = tuple[str | int, ...]

MAX_NODES = 100_000
MAX_DEPTH = 64
MAX_BYTES = 5_000_000

_STD = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}


@record(frozen=True, order=True)
class Problem:
    """One located problem in a data file, printed compiler-style."""

    file: str
    line: int
    col: int
    field: str
    message: str
    kind: str = dataclasses.field(default="", compare=False)  # (the name `field` is a field here)
    """What sort of problem, for tools that sort them (``unknown-name``, ``bad-value``, ``duplicate``,
    ``missing``, ``cycle``); empty for any other. Not part of the message."""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.field}: {self.message}"


class SourceError(CxmError):
    """A data file could not be read; carries every problem found (bad input: exit 2)."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))

    def messages(self) -> list[str]:  # located problems: FILE:LINE:COL: field: message
        return [str(p) for p in self.problems]


def dotted(path: Path_) -> str:
    """Render a path as ``a.b[2].c``; the root is ``(root)``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not part.isprintable() or not part.strip():  # a line break would split the message
            out += f"[{part!r}]"
        else:
            out += ("." if out else "") + part
    return out or "(root)"


@record
class Document:
    """A parsed data file: its values and where each one stands."""

    file: str
    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    # Where each value stands is read only to point at one (messages, citations), and is most of what a
    # cached rule base holds: it is stored packed, and unpacked the first time it is asked for.
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        if "values" in state:
            state["_positions"] = pickle.dumps((state.pop("values"), state.pop("keys")), pickle.HIGHEST_PROTOCOL)
        return state

    def __getattr__(self, name: str) -> Any:
        packed = self.__dict__.pop("_positions", None) if name in ("values", "keys") else None
        if packed is None:
            raise AttributeError(name)
        self.values, self.keys = pickle.loads(packed)
        return self.__dict__[name]

    def where(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Line and column of a path (of its key when ``key``), else of its nearest parent."""
        table = self.keys if key else self.values
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get((), (1, 1))

    def problem(
        self, path: Path_, message: str, *, key: bool = False, at: Path_ | None = None, kind: str = ""
    ) -> Problem:
        """A problem about ``path``, located at ``at`` (default: ``path`` itself)."""
        line, col = self.where(path if at is None else at, key=key)
        return Problem(self.file, line, col, dotted(path), message, kind)


def _mark(node: yaml.Node, first_line: int = 1) -> tuple[int, int]:
    return node.start_mark.line + first_line, node.start_mark.column + 1


class _Builder:
    def __init__(self, doc: Document, first_line: int = 1):
        self.doc = doc
        self.first_line = first_line
        self.count = 0
        self.problems: list[Problem] = []

    def mark(self, node: yaml.Node) -> tuple[int, int]:
        return _mark(node, self.first_line)

    def fail(self, node: yaml.Node, path: Path_, message: str) -> None:
        line, col = self.mark(node)
        self.problems.append(Problem(self.doc.file, line, col, dotted(path), message))

    def build(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig(node, f"more than {MAX_NODES} values (an alias bomb?)")
        if depth > MAX_DEPTH:
            raise _TooBig(node, f"nested deeper than {MAX_DEPTH} levels")
        self.doc.values[path] = self.mark(node)
        if node.tag not in _ALLOWED_TAGS:
            shown = node.tag.replace(_STD, "!!", 1)
            self.fail(node, path, f"tag {shown!r} is not allowed in a data file (nothing in it is ever run)")
            return None
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return scalar(node)

    def mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for knode, vnode in node.value:
            if isinstance(knode, yaml.ScalarNode) and knode.value == "<<" and knode.tag == _STD + "merge":
                self.fail(knode, path, "YAML merge keys ('<<') are not supported; write the keys out")
                continue
            if not isinstance(knode, yaml.ScalarNode) or knode.tag not in (_STD + "str", _STD + "int"):
                self.fail(knode, path, "keys must be plain words")
                continue
            key = knode.value
            if key in out:
                first = self.doc.keys[path + (key,)]
                self.fail(knode, path + (key,), f"duplicate key (first given at line {first[0]})")
                continue
            self.doc.keys[path + (key,)] = self.mark(knode)
            out[key] = self.build(vnode, path + (key,), depth + 1)
        return out


class _TooBig(Exception):
    def __init__(self, node: yaml.Node, message: str):
        self.node = node
        self.message = message


def scalar(node: yaml.ScalarNode) -> Any:
    """Resolve a plain scalar the YAML 1.2 way: only true/false are booleans, no dates."""
    text, tag = node.value, node.tag
    if tag == _STD + "null":
        return None
    if tag == _STD + "bool":
        low = text.lower()
        return {"true": True, "false": False}.get(low, text)
    if tag == _STD + "int":
        try:
            return int(text.replace("_", ""), 0) if text.lower().startswith(("0x", "0o")) else int(text)
        except ValueError:
            return text
    if tag == _STD + "float":
        try:
            value = float(text)
        except ValueError:
            return text
        return value if value == value and abs(value) != float("inf") else text
    return text


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_PAIR = re.compile(r"\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})")


def _json_pairs(text: str) -> str:
    """JSON writes a character beyond U+FFFF as an escaped surrogate pair, which YAML rejects: rewrite
    each pair inside a JSON string as YAML's ``\\U`` escape of eight hex digits (only when the whole
    text is JSON)."""
    if "\\u" not in text or not text.lstrip().startswith(("{", "[")):
        return text
    try:
        json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested too deep (YAML reports that, located)
        return text

    def pairs(string: re.Match[str]) -> str:
        def one(m: re.Match[str]) -> str:
            code = 0x10000 + ((int(m.group(1), 16) - 0xD800) << 10) + (int(m.group(2), 16) - 0xDC00)
            return f"\\U{code:08X}"

        # only escapes not preceded by an odd number of backslashes
        return re.sub(
            r"(?<!\\)((?:\\\\)*)" + _PAIR.pattern,
            lambda m: m.group(1) + one(cast("re.Match[str]", _PAIR.match(m.group(0)[len(m.group(1)) :]))),
            string.group(0),
        )

    return _JSON_STRING.sub(pairs, text)


def parse_text(text: str, file: str, *, first_line: int = 1) -> Document:
    """Parse YAML (or JSON) text into a :class:`Document`, or raise :class:`SourceError`.

    ``first_line`` is the line of the file the text begins on (a row of a JSON Lines file): every
    position, in the document and in its problems, counts from it.
    """
    doc = Document(file, None)
    text = _json_pairs(text)
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + first_line, mark.column + 1) if mark else (first_line, 1)
        what = exc.problem or exc.context or "malformed YAML"
        raise SourceError([Problem(file, line, col, "(root)", f"malformed YAML: {what}")]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow: say where it is
        at = exc.position
        if _Loader is not yaml.SafeLoader:  # libyaml counts UTF-8 bytes, not characters
            at = len(text.encode("utf-8", "surrogatepass")[:at].decode("utf-8", "ignore"))
        at = max(0, min(at, len(text)))
        line, col = text.count("\n", 0, at) + first_line, at - (text.rfind("\n", 0, at) + 1) + 1
        what = (
            f"character U+{exc.character:04X} is not allowed ({exc.reason})"
            if isinstance(exc.character, int)
            else exc.reason
        )
        raise SourceError([Problem(file, line, col, "(root)", f"malformed YAML: {what}")]) from None
    except yaml.YAMLError as exc:
        raise SourceError([Problem(file, first_line, 1, "(root)", f"malformed YAML: {exc}")]) from None
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        raise SourceError([Problem(file, first_line, 1, "(root)", "the file is empty")])
    if len(nodes) > 1:
        line, col = _mark(nodes[1], first_line)
        raise SourceError([Problem(file, line, col, "(root)", "expected one document, found several")])
    builder = _Builder(doc, first_line)
    try:
        doc.data = builder.build(nodes[0], (), 0)
    except _TooBig as exc:
        line, col = _mark(exc.node, first_line)
        raise SourceError([Problem(file, line, col, "(root)", exc.message)]) from None
    if builder.problems:
        raise SourceError(builder.problems)
    return doc


STDIN = "-"
"""The file name that means standard input (``cxm assess -``); messages call it ``<stdin>``."""


_UNDECODED = re.compile("[\udc80-\udcff]")


def shown_name(name: str) -> str:
    """A file name as messages and outputs show it: a byte of the name that is not UTF-8 (kept by Python as a
    lone surrogate, which no UTF-8 text can hold) written ``\\xNN``."""
    return _UNDECODED.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", name)


def read_document(path: Path | str, display: str | None = None) -> Document:
    """Read and parse a file (``-``: standard input); every failure is a located :class:`SourceError`."""
    p = Path(path)
    name = shown_name(display or ("<stdin>" if str(path) == STDIN else str(path)))
    try:
        if str(path) == STDIN:
            raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            with p.open("rb") as handle:  # never more than the limit and one byte: /dev/zero ends here too
                raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise SourceError([Problem(name, 1, 1, "(root)", f"cannot read the file: {exc.strerror}")]) from None
    if len(raw) > MAX_BYTES:
        raise SourceError([Problem(name, 1, 1, "(root)", f"the file is larger than {MAX_BYTES} bytes")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceError([Problem(name, line, col, "(root)", "the file is not valid UTF-8")]) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if p.suffix.lower() == ".json":
        strict_json(text, name)
    return parse_text(text, name)


class _NotJson(ValueError):
    def __init__(self, word: str):
        self.word = word
        super().__init__(f"{word} is not a JSON value")


def _no_constant(word: str) -> Any:
    raise _NotJson(word)


def _trailing_comma(text: str, exc: json.JSONDecodeError) -> tuple[int, str]:
    """Where the error is and what it says, the same on every Python: a comma before ``}`` or ``]`` is reported
    at the comma as 3.13's decoder does (3.11 and 3.12 report the closing bracket as a missing name or value)."""
    if exc.msg in ("Expecting property name enclosed in double quotes", "Expecting value") and text[
        exc.pos : exc.pos + 1
    ] in ("}", "]"):
        comma = len(text[: exc.pos].rstrip(" \t\r\n")) - 1
        if comma >= 0 and text[comma] == ",":
            kind = "object" if text[exc.pos] == "}" else "array"
            return comma, f"Illegal trailing comma before end of {kind}"
    return exc.pos, exc.msg


def strict_json(text: str, file: str, first_line: int = 1, unit: str = "file") -> None:
    """Check that ``text`` is JSON as RFC 8259 defines it (no trailing comma, comment, NaN or single quote):
    a ``.json`` file is not read as YAML. Raises a located :class:`SourceError`."""
    try:
        json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        pos, message = _trailing_comma(text, exc)
        line = text.count("\n", 0, pos) + first_line
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        raise SourceError([Problem(file, line, col, "(root)", f"malformed JSON: {message}")]) from None
    except _NotJson as exc:  # NaN, Infinity: json accepts them, RFC 8259 does not
        at = max(0, text.find(exc.word))
        line, col = text.count("\n", 0, at) + first_line, at - (text.rfind("\n", 0, at) + 1) + 1
        raise SourceError([Problem(file, line, col, "(root)", f"malformed JSON: {exc}")]) from None
    except RecursionError:
        raise SourceError([Problem(file, first_line, 1, "(root)", f"the {unit} is nested too deeply")]) from None
