"""A cache of the validated, compiled rule base, so that each command does not re-read every rule file,
and of the compiled facts schema (:mod:`cxm.facts.compiled`), so that it does not build the pydantic models.

The key is a hash of the installed version, every source file of the engine and facts packages, and
the bytes of every rule file loaded, so any change to any of them invalidates it. Set
``CXM_NO_CACHE=1`` to bypass it and ``CXM_CACHE_DIR`` to move it (default:
``$XDG_CACHE_HOME/cx-maturity`` or ``~/.cache/cx-maturity``).
A cache that cannot be read or written is ignored; only the newest few files are kept.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from cxm.rules import rule_files

if TYPE_CHECKING:
    from pydantic_core import SchemaValidator

T = TypeVar("T")
FORMAT = 1
KEEP = 8  # cache files kept per kind (several rule folders in use each have their own)


def cache_dir() -> Path:
    if os.environ.get("CXM_CACHE_DIR"):
        return Path(os.environ["CXM_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cx-maturity"


def version() -> str:
    """The installed version of cx-maturity, from its package metadata (``unknown`` in a bare source tree).

    Read from the name of the ``cx_maturity-VERSION.dist-info`` folder on ``sys.path``, as
    :mod:`importlib.metadata` would find it, without importing that module (it costs start-up time).
    """
    import sys

    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in sorted(names):
            if name.startswith("cx_maturity-") and name.endswith(".dist-info"):
                return name[len("cx_maturity-"):-len(".dist-info")]
    return "unknown"


def source_digest(packages: list[tuple[str, Path]]) -> bytes:
    """A hash of the installed version and every ``*.py`` file under each (package name, folder), by path."""
    digest = hashlib.sha256(version().encode() + b"\0")
    for name, root in packages:
        for path in sorted(root.rglob("*.py")):
            digest.update(f"{name}/{path.relative_to(root).as_posix()}".encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.digest()


@functools.cache  # read once per process (the rule base and the facts schema both key on it)
def _code() -> bytes:
    """Every source file of the engine and facts packages: any edit invalidates the cache."""
    import cxm.engine
    import cxm.facts

    return source_digest([(p.__name__, Path(p.__file__).parent) for p in (cxm.engine, cxm.facts)])


def key(folders: list[Path], extra: str) -> str:
    """A hash of the code that builds the rule base and of every rule file's path and bytes, in load order."""
    import pydantic_core  # the facts validator is pydantic's core schema: its version is part of the key

    digest = hashlib.sha256(f"{FORMAT}\0{extra}\0{pydantic_core.__version__}\0".encode())
    digest.update(_code())
    for folder in folders:
        digest.update(str(folder.resolve()).encode() + b"\0")
        if folder.is_dir():
            for path in rule_files(folder):
                digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


@functools.cache
def facts_validator() -> SchemaValidator:
    """The compiled facts validator (:mod:`cxm.facts.compiled`), its schema cached like the rule base."""
    from pydantic_core import SchemaValidator

    from cxm.facts.compiled import core_schema

    return SchemaValidator(cached([], "facts schema", core_schema, kind="facts-schema"))


def cached(folders: list[Path], extra: str, build: Callable[[], T], *, kind: str = "rules") -> T:
    """``build()``, or its result from an earlier run with the same inputs (file ``KIND-KEY.pickle``)."""
    if os.environ.get("CXM_NO_CACHE"):
        return build()
    try:
        path = cache_dir() / f"{kind}-{key(folders, extra)}.pickle"
    except OSError:
        return build()
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)  # our own file, named by the hash of its inputs
    except Exception:  # a missing, stale or damaged cache is rebuilt
        pass
    value = build()
    from cxm.engine.base.atomic import write_bytes  # (tempfile is slow to import: only when writing)

    with contextlib.suppress(Exception):  # a read-only home must not stop an assessment
        write_bytes(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        _prune(path.parent, kind)
    return value


def _prune(folder: Path, kind: str) -> None:
    """Keep the :data:`KEEP` newest files of a kind: each upgrade or rule edit leaves one behind."""
    files = sorted(folder.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in files[KEEP:]:
        old.unlink(missing_ok=True)
