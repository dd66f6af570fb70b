"""One company, several ways: cxm's assessment, lean result and session, the honest floor, and CLIPS.

    python bench/compare.py --times 1 --rounds 10       # CPU time of the thread per company, one JSON line
    python bench/compare.py --times 1 --mode lean --rounds 3   # for valgrind: set up, warm up, then only this

Every way starts from the same validated facts of the 12 examples (flattening them is part of each) and ends
with what it returns: ``assess`` the full result (``Engine.assess``, no shortest path), ``lean`` the lean
result (``Engine.summarize``: stage, levels, recommendation and held-back ids), ``row`` a batch row's record
(``batch.lean_record``: the lean result, the failing gates, the profile), ``session`` the trace
(``Engine.run``), ``floor`` the engine's loop without recording (``bench/floor.py``), ``clips`` CLIPS's lean
result (``bench/clips_peer.py``: the session, then the conclusions a summary reads), ``clips_infer`` the CLIPS
session alone. ``--times N`` adds the generated rules of ``bench/scale.py`` (``N`` times the built-in base).
Instruction counts come from running one mode under valgrind (set-up, a round to warm up, the rounds) against
``--mode none`` (the set-up alone).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if not __package__:
    sys.path.insert(0, str(ROOT))

MODES = ("assess", "lean", "row", "session", "floor", "clips", "clips_infer")


def rules_folder(times: float) -> list[Path]:
    """The generated rules for ``times`` x the built-in base, in a folder of their own under the cache (kept, so
    that the rule base is read from the cache next time: valgrind counts an assessment, not the loading)."""
    if times <= 1:
        return []
    from bench import lint_bench
    from cxm.engine.knowledge.cache import cache_dir

    folder = Path(cache_dir()) / f"bench-rules-{times:g}x"
    if not (folder / "done").exists():
        from cxm.engine.services.api import Engine

        builtin = len(Engine().kb.rules)
        lint_bench.generate(folder, round((times - 1) * builtin))
        (folder / "done").write_text("", encoding="utf-8")
    return [folder]


def ways(times: float) -> tuple[dict[str, Callable[[Any], Any]], list[Any], dict[str, float]]:
    """Each way of assessing one company, the companies, and the mean firings per company of the engine and CLIPS."""
    from bench import floor
    from bench.clips_peer import ClipsPeer
    from cxm.engine.services import batch
    from cxm.engine.services.api import Engine
    from cxm.facts.load import load_facts
    from cxm.facts.vocabulary import flatten

    engine = Engine(rules_folder(times))
    engine.prepare()
    kb, base = engine.kb, engine.compiled
    peer = ClipsPeer(kb, base)
    loaded = [load_facts(p) for p in sorted((ROOT / "facts" / "examples").glob("*.yaml"))]
    run = {
        "assess": engine.assess,
        "lean": engine.summarize,
        "row": lambda x: batch.lean_record(engine, x, 1),
        "session": engine.run,
        "floor": lambda x: floor.run(kb, base, flatten(x.data)),
        "clips": lambda x: peer.summarize(flatten(x.data), x.company),
        "clips_infer": lambda x: peer.infer(flatten(x.data)),
    }
    firings = {
        "engine": statistics.mean(len(engine.run(x).firings) for x in loaded),
        "clips": statistics.mean(peer.infer(flatten(x.data)) for x in loaded),
        "rules": len(kb.rules),
        "compiled": len(base.rules),
    }
    return run, loaded, firings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--times", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--mode", choices=(*MODES, "none"), help="only this way, nothing printed (for valgrind)")
    args = parser.parse_args()
    import gc

    run, loaded, firings = ways(args.times)
    gc.freeze()  # as `cxm` does once the rule base is loaded
    if args.mode:  # the count is the set-up, then one round to warm up and the rounds (of this way alone)
        if args.mode != "none":
            fn = run[args.mode]
            for _ in range(args.rounds + 1):
                for x in loaded:
                    fn(x)
        os._exit(0)  # no teardown
    for x in loaded:  # warm up every way
        for fn in run.values():
            fn(x)
    cpu = time.thread_time
    samples: dict[str, list[float]] = {m: [] for m in MODES}
    for _ in range(args.rounds):
        for x in loaded:
            for mode, fn in run.items():
                t = cpu()
                fn(x)
                samples[mode].append(cpu() - t)
    out = {f"{m}_us": statistics.median(v) * 1e6 for m, v in samples.items()}
    print(json.dumps({"times": args.times, **firings, **out}))
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
