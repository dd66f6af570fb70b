"""The benchmark's fair peer (bench/clips_peer.py): the compiled rule base in CLIPS reaches what the engine reaches.

Needs clipspy (``pip install -e '.[bench]'``); skipped without it, except under CI (CI=true), where it fails.
"""

from __future__ import annotations

import os

import pytest

from cxm.facts import generate
from cxm.facts.load import load_facts, validate
from cxm.facts.source import Document
from cxm.facts.vocabulary import flatten
from tests.conftest import ARTICLE, EXAMPLES

if os.environ.get("CI") != "true":
    pytest.importorskip("clips", reason="clipspy is not installed (pip install -e '.[bench]')")

from bench.clips_peer import ClipsPeer, compare

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def peer(engine) -> ClipsPeer:
    return ClipsPeer(engine.kb, engine.compiled)


def test_every_compiled_rule_is_a_clips_rule(engine, peer) -> None:
    assert peer.rules == len(engine.compiled.rules)


def test_clips_reaches_the_articles_stages(peer) -> None:
    for stem, stage in ARTICLE.items():
        loaded = load_facts(EXAMPLES / f"{stem}.yaml")
        assert peer.summarize(flatten(loaded.data), loaded.company).stage == stage


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_clips_agrees_with_the_engine_on_the_examples(engine, peer, path) -> None:
    assert compare(engine, peer, load_facts(path)) == []


def test_clips_agrees_with_the_engine_on_generated_companies(engine, peer) -> None:
    for n, data in enumerate(generate.profiles(150, seed=41), 1):
        loaded = validate(Document(f"<profile {n}>", data))
        assert compare(engine, peer, loaded) == [], loaded.company


def test_the_comparison_sees_a_rule_clips_lacks(engine) -> None:
    """Without the rule that caps the stage by the gates, each company the engine caps gets another result from
    CLIPS (or none: no stage): the comparison is not blind."""
    from cxm.engine.base.errors import EngineError

    lacking = ClipsPeer(engine.kb, engine.compiled)
    lacking.env.find_rule("stage-capped-by-gates").undefine()
    capped = 0
    for n, data in enumerate(generate.profiles(60, seed=41), 1):
        loaded = validate(Document(f"<profile {n}>", data))
        if any(f.rule == "stage-capped-by-gates" for f in engine.run(loaded).firings):
            capped += 1
            with pytest.raises(EngineError, match="no value for 'stage'"):
                compare(engine, lacking, loaded)
        else:
            assert compare(engine, lacking, loaded) == [], loaded.company
    assert capped > 0
