"""A cache of the validated, compiled rule base, so that each command does not re-read every rule file,
and of the compiled facts schema (:mod:`cxm.facts.compiled`), so that it does not build the pydantic models.

The key is a hash of the path, size and modification time of every source file of the engine and facts
packages and of the path, size, times, inode and device of every rule file loaded (a write changes a file's
status-change time, which no one can set back), so any change to any of them invalidates it. A cache written
while a rule file may still change within one tick of the file system's clock also holds a hash of the rule
files' bytes, checked when it is read (:data:`SETTLED_NS`). Set
``CXM_NO_CACHE=1`` to bypass it and ``CXM_CACHE_DIR`` to move it (default:
``$XDG_CACHE_HOME/cx-maturity`` or ``~/.cache/cx-maturity``).
A cache that cannot be read or written is ignored; only the newest few files are kept.

A planted cache file must not run code (unpickling runs whatever the file says). So each file is a pickle
behind a keyed BLAKE2b tag; the key is a random secret made once per installation (``.key`` in the cache
folder, mode 0600). Nothing is read or written unless the folder, the key and the file belong to this user
and no one else may write them; a file whose tag does not match is rebuilt without being unpickled.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from cxm.rules import rule_files

try:  # BLAKE2 is built into CPython; hashlib and hmac would load OpenSSL first (4 ms of every start-up)
    from _blake2 import blake2b
    from _operator import _compare_digest as compare_digest
except ImportError:  # pragma: no cover - another Python implementation
    from hashlib import blake2b
    from hmac import compare_digest  # type: ignore[no-redef]

if TYPE_CHECKING:
    from pydantic_core import SchemaValidator

T = TypeVar("T")
FORMAT = 3  # 2: signed files; 3: rule files keyed by their status, the payload (bytes digest or None, value)
KEEP = 8  # cache files kept per kind (several rule folders in use each have their own)
SECRET = ".key"
TAG = 32  # bytes of the tag in front of each file


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
                return name[len("cx_maturity-") : -len(".dist-info")]
    return "unknown"


def source_digest(packages: list[tuple[str, Path]]) -> bytes:
    """A hash of the installed version and of the path, size and modification time of every ``*.py`` file
    under each (package name, folder): an edit, a reinstall or a checkout changes one of them (the stat of a
    hundred files costs a millisecond; hashing their bytes, six)."""
    digest = blake2b(version().encode() + b"\0")
    for name, root in packages:
        for relative, st in sorted(_sources(str(root), "")):
            digest.update(f"{name}/{relative}\0{st.st_size}\0{st.st_mtime_ns}\0".encode("utf-8", "surrogateescape"))
    return digest.digest()


def _sources(folder: str, prefix: str) -> list[tuple[str, os.stat_result]]:
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                found += _sources(entry.path, f"{prefix}{entry.name}/")
            elif entry.name.endswith(".py"):
                found.append((prefix + entry.name, entry.stat()))
    return found


@functools.cache  # read once per process (the rule base and the facts schema both key on it)
def _code() -> bytes:
    """Every source file of the engine and facts packages: any edit invalidates the cache."""
    import cxm.engine
    import cxm.facts

    return source_digest([(p.__name__, Path(p.__path__[0])) for p in (cxm.engine, cxm.facts)])


# A rule file whose status changed less than this long ago may change again within the same tick of a coarse
# file-system clock and keep its size and times ("racy git"): a cache written then also holds the files' bytes
# digest. Hashing the bytes of every rule file cost every start-up a millisecond or more.
SETTLED_NS = 3_000_000_000


def _racy(folders: list[Path]) -> bool:
    """Whether a rule file's status changed less than :data:`SETTLED_NS` ago (or seems to lie ahead)."""
    import time

    now = time.time_ns()
    return any(
        now - path.stat().st_ctime_ns < SETTLED_NS
        for folder in folders
        if folder.is_dir()
        for path in rule_files(folder)
    )


def _contents(folders: list[Path]) -> bytes:
    """A hash of every rule file's path and bytes (:func:`_content`), in load order."""
    digest = blake2b()
    for folder in folders:
        if folder.is_dir():
            for path in rule_files(folder):
                digest.update(str(path).encode("utf-8", "surrogateescape") + b"\0" + _content(path) + b"\0")
    return digest.digest()


def key(folders: list[Path], extra: str) -> str:
    """A hash of the code that builds the rule base and of every rule file's path and status, in load order."""
    import pydantic_core  # the facts validator is pydantic's core schema: its version is part of the key

    digest = blake2b(f"{FORMAT}\0{extra}\0{pydantic_core.__version__}\0".encode())
    digest.update(_code())
    for folder in folders:
        digest.update(str(folder.resolve()).encode("utf-8", "surrogateescape") + b"\0")
        if folder.is_dir():
            for path in rule_files(folder):
                st = path.stat()
                status = f"{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}\0{st.st_dev}\0"
                digest.update(str(path).encode("utf-8", "surrogateescape") + b"\0" + status.encode())
    return digest.hexdigest()[:32]


def _content(path: Path) -> bytes:
    """A rule file's bytes for the key; a file that cannot be one (a device, a FIFO, over the size limit: the
    loader refuses it, located) is not read: its kind and size stand in."""
    from cxm.facts.files import NotAFile, check_file
    from cxm.facts.source import MAX_BYTES

    try:
        check_file(path, MAX_BYTES)
    except (NotAFile, OSError) as exc:
        return f"\0unreadable\0{exc}".encode("utf-8", "surrogateescape")
    return path.read_bytes()


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
        secret = _secret(path.parent)
    except (OSError, ValueError):  # no private cache folder here: work without one
        return build()
    try:
        found = pickle.loads(_read(path, secret))  # private, and its tag checked
        if isinstance(found, tuple) and len(found) == 3 and found[:2] == (kind, path.name):
            contents, value = found[2]  # the object stored under this name: another cache file copied here is not
            if contents is None:
                return value
            if contents == _contents(folders):  # written while a rule file might still change unseen
                if not _racy(folders):
                    _write(path, secret, kind, (None, value))
                return value
    except Exception:  # a missing, stale, damaged or foreign cache is rebuilt
        pass
    contents = _contents(folders) if _racy(folders) else None  # the bytes before the build reads them
    value = build()
    _write(path, secret, kind, (contents, value))
    return value


def _write(path: Path, secret: bytes, kind: str, entry: tuple[bytes | None, object]) -> None:
    from cxm.engine.base.atomic import write_bytes  # (tempfile is slow to import: only when writing)

    with contextlib.suppress(Exception):  # a read-only home must not stop an assessment
        payload = pickle.dumps((kind, path.name, entry), protocol=pickle.HIGHEST_PROTOCOL)
        write_bytes(path, _tag(secret, payload) + payload, own=True)  # a FIFO or link planted there: replaced
        _prune(path.parent, kind)


def _private(st: os.stat_result, mask: int = 0o022) -> bool:
    """Owned by this user, and no one else may write it (nor, with ``mask=0o077``, read it)."""
    return st.st_uid == os.getuid() and not st.st_mode & mask


def _tag(secret: bytes, payload: bytes) -> bytes:
    return blake2b(payload, key=secret, digest_size=TAG).digest()


def _secret(folder: Path) -> bytes:
    """This installation's cache key, made on first use; ValueError if the folder or key is not private."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not _private(os.stat(folder)):
        raise ValueError(f"{folder} may be written by others")
    path = folder / SECRET
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        secret = os.urandom(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:  # another process made it first
            return _secret(folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secret)
        return secret
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(handle.fileno())
        if not stat.S_ISREG(mode.st_mode) or not _private(mode, 0o077):
            raise ValueError(f"{path} is not a private file of this user")
        secret = handle.read()
    if len(secret) != 32:
        raise ValueError(f"{path} is damaged")
    return secret


def _read(path: Path, secret: bytes) -> bytes:
    """The payload of a cache file that is this user's, written by no one else, with a matching tag."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)  # a FIFO must not make every command wait
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(handle.fileno())
        if not stat.S_ISREG(mode.st_mode):
            raise ValueError(f"{path} is not a regular file")
        if not _private(mode):
            raise ValueError(f"{path} may be written by others")
        data = handle.read()
    tag, payload = data[:TAG], data[TAG:]
    if not compare_digest(tag, _tag(secret, payload)):
        raise ValueError(f"{path} was not written by this installation")
    return payload


def _prune(folder: Path, kind: str) -> None:
    """Keep the :data:`KEEP` newest files of a kind: each upgrade or rule edit leaves one behind."""
    files = sorted(folder.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in files[KEEP:]:
        old.unlink(missing_ok=True)
