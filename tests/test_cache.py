"""The compiled rule base is cached by content: a changed rule file is seen, a damaged cache rebuilt."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from cxm.engine.knowledge.cache import KEEP
from cxm.engine.services.api import Engine
from cxm.rules import BUILTIN_DIR
from tests.conftest import example


def test_cache_follows_the_rule_files(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("CXM_NO_CACHE", raising=False)
    monkeypatch.setenv("CXM_CACHE_DIR", str(tmp_path / "cache"))
    rules = tmp_path / "rules"
    shutil.copytree(BUILTIN_DIR, rules, ignore=shutil.ignore_patterns("*.py", "__pycache__", "docs", "*.test.yaml"))
    company = example("article-1-wellness-resort")

    assert Engine([rules], builtin=False).assess_file(company).stage.id == "explore"
    cached = list((tmp_path / "cache").glob("rules-*.pickle"))
    assert len(cached) == 1
    assert Engine([rules], builtin=False).assess_file(company).stage.id == "explore"  # from the cache
    assert list((tmp_path / "cache").glob("rules-*.pickle")) == cached

    bands = rules / "stage" / "bands.yaml"
    text = bands.read_text(encoding="utf-8")
    text = text.replace("{cx_score: {between: [8, 11]}}", "{cx_score: {between: [9, 11]}}")
    bands.write_text(text.replace("{cx_score: {between: [4, 7]}}", "{cx_score: {between: [4, 8]}}"), encoding="utf-8")
    assert Engine([rules], builtin=False).assess_file(company).stage.id == "ignore"
    assert len(list((tmp_path / "cache").glob("rules-*.pickle"))) == 2

    for path in (tmp_path / "cache").glob("rules-*.pickle"):
        path.write_bytes(b"not a pickle")
    assert Engine([rules], builtin=False).assess_file(company).stage.id == "ignore"


def test_an_edit_the_file_status_does_not_show_is_seen_while_the_file_may_still_change(
    tmp_path: Path, monkeypatch
) -> None:
    """Rule files are keyed by their status (size, times, inode); a cache written within SETTLED_NS of a change
    also holds the files' bytes digest, so an edit within one tick of a coarse clock (simulated: the key stays
    the same) is still seen; once the files have settled, the cache no longer needs the digest."""
    from cxm.engine.knowledge import cache

    monkeypatch.delenv("CXM_NO_CACHE", raising=False)
    monkeypatch.setenv("CXM_CACHE_DIR", str(tmp_path / "cache"))
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "a.yaml").write_text("rules: []\n", encoding="utf-8")
    builds: list[str] = []

    def build() -> str:
        builds.append((rules / "a.yaml").read_text(encoding="utf-8"))
        return builds[-1]

    monkeypatch.setattr(cache, "key", lambda folders, extra: "same")  # a clock that does not tick
    assert cache.cached([rules], "t", build) == "rules: []\n"  # just written: racy
    assert cache.cached([rules], "t", build) == "rules: []\n" and len(builds) == 1  # bytes unchanged: read
    (rules / "a.yaml").write_text("rules: {}\n", encoding="utf-8")
    assert cache.cached([rules], "t", build) == "rules: {}\n" and len(builds) == 2  # the edit is seen
    monkeypatch.setattr(cache, "SETTLED_NS", 0)  # settled: the next read drops the digest
    assert cache.cached([rules], "t", build) == "rules: {}\n" and len(builds) == 2
    (rules / "a.yaml").write_text("rules: []\n", encoding="utf-8")  # not seen, as the key says nothing changed
    assert cache.cached([rules], "t", build) == "rules: {}\n" and len(builds) == 2


def test_a_rule_files_key_is_its_status_and_changes_with_any_write(tmp_path: Path) -> None:
    from cxm.engine.knowledge.cache import key

    rules = tmp_path / "rules"
    rules.mkdir()
    path = rules / "a.yaml"
    path.write_text("rules: []\n", encoding="utf-8")
    first = key([rules], "t")
    before = path.stat()
    path.write_text("rules: {}\n", encoding="utf-8")  # the same size, its modification time put back
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert path.stat().st_ctime_ns != before.st_ctime_ns, "this file system's clock did not tick between writes"
    assert key([rules], "t") != first


def test_old_cache_files_are_pruned(tmp_path: Path, monkeypatch) -> None:

    monkeypatch.delenv("CXM_NO_CACHE", raising=False)
    cache = tmp_path / "cache"
    monkeypatch.setenv("CXM_CACHE_DIR", str(cache))
    cache.mkdir()
    stale = [cache / f"rules-{n:032x}.pickle" for n in range(KEEP + 3)]
    for age, path in enumerate(stale):
        path.write_bytes(b"left by an older version")
        os.utime(path, (1_000_000 - age, 1_000_000 - age))  # stale[0] is the newest of them
    other = cache / "facts-schema-0.pickle"
    other.write_bytes(b"another kind")
    Engine()  # builds the rule base: a new file, then the oldest are removed
    left = sorted(cache.glob("rules-*.pickle"))
    assert len(left) == KEEP
    assert set(left) - set(stale) != set()  # the new one is kept
    assert set(left) & set(stale) == set(stale[: KEEP - 1])  # with the newest of the old ones
    assert other.exists()


def test_an_edit_to_any_facts_or_engine_module_rebuilds_the_cache(tmp_path: Path, monkeypatch) -> None:
    """The key covers every source file: an edit to facts/source.py (pickled objects come from it) counts, even
    one that keeps the file's size."""
    import cxm.engine
    import cxm.facts
    from cxm.engine.knowledge import cache

    monkeypatch.delenv("CXM_NO_CACHE", raising=False)
    monkeypatch.setenv("CXM_CACHE_DIR", str(tmp_path / "cache"))
    copies = []
    for package in (cxm.engine, cxm.facts):
        copy = tmp_path / "src" / package.__name__
        shutil.copytree(Path(package.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__", "examples"))
        copies.append((package.__name__, copy))
    monkeypatch.setattr(cache, "_code", lambda: cache.source_digest(copies))
    builds: list[int] = []

    def build() -> str:
        builds.append(1)
        return f"built {len(builds)}"

    assert cache.cached([], "test", build, kind="probe") == "built 1"
    assert cache.cached([], "test", build, kind="probe") == "built 1"  # from the cache
    source = tmp_path / "src" / "cxm.facts" / "source.py"
    source.write_text(source.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    assert cache.cached([], "test", build, kind="probe") == "built 2"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("# an edit", "# an tide"), encoding="utf-8")
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 1_000_000))
    assert cache.cached([], "test", build, kind="probe") == "built 3"
    assert len(builds) == 3


def test_the_version_in_the_key_is_the_installed_one() -> None:
    from importlib import metadata

    from cxm.engine.knowledge.cache import version

    assert version() == metadata.version("cx-maturity")


class _Planted:
    """A pickle that runs code when loaded: it creates ``marker``."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def _plant(cache: Path, marker: Path, *, sign: bool) -> list[Path]:
    import pickle

    from cxm.engine.knowledge.cache import _secret, _tag

    payload = pickle.dumps(_Planted(marker))
    files = sorted(cache.glob("rules-*.pickle"))
    assert files
    for path in files:
        path.write_bytes((_tag(_secret(cache), payload) if sign else b"\0" * 32) + payload)
    return files


def test_a_planted_cache_file_runs_no_code(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("CXM_NO_CACHE", raising=False)
    cache = tmp_path / "cache"
    monkeypatch.setenv("CXM_CACHE_DIR", str(cache))
    marker = tmp_path / "planted-code-ran"
    Engine()
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    assert oct((cache / ".key").stat().st_mode & 0o777) == "0o600"

    # a pickle without this installation's tag (as anyone could write it) is rebuilt, never loaded
    _plant(cache, marker, sign=False)
    assert Engine().assess_file(example("article-1-wellness-resort")).stage.id == "explore"
    assert not marker.exists()

    # a correctly tagged file that others may write is not read either
    for path in _plant(cache, marker, sign=True):
        path.chmod(0o666)
    assert Engine().assess_file(example("article-1-wellness-resort")).stage.id == "explore"
    assert not marker.exists()


def test_a_cache_folder_others_may_write_is_not_used(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("CXM_NO_CACHE", raising=False)
    cache = tmp_path / "cache"
    monkeypatch.setenv("CXM_CACHE_DIR", str(cache))
    marker = tmp_path / "planted-code-ran"
    Engine()
    _plant(cache, marker, sign=True)
    cache.chmod(0o777)
    assert Engine().assess_file(example("article-1-wellness-resort")).stage.id == "explore"
    assert not marker.exists()


def test_a_cache_file_of_another_user_is_not_read(tmp_path: Path, monkeypatch) -> None:
    if os.getuid() != 0:
        pytest.skip("changing a file's owner needs root")
    monkeypatch.delenv("CXM_NO_CACHE", raising=False)
    cache = tmp_path / "cache"
    monkeypatch.setenv("CXM_CACHE_DIR", str(cache))
    marker = tmp_path / "planted-code-ran"
    Engine()
    for path in _plant(cache, marker, sign=True):
        os.chown(path, 65534, 65534)
    assert Engine().assess_file(example("article-1-wellness-resort")).stage.id == "explore"
    assert not marker.exists()
