"""Phase control (issue 16): what each compile variant costs, and whether it keeps the traces.

Every compiled rule once started with a pattern on its phase's control fact. ``compile_base(kb, control=...)``
keeps that pattern on ``every`` rule, only on the rules that need it for the firing order to stay the same
(``late``, the default), or only on the rules that test an ``absence`` (the same conclusions and firings, in
another order). This compiles one rule base with each variant and assesses the 12 examples and generated
profiles with each, interleaved in one process (each assessment by every variant in turn, the first one
rotating). Prints one JSON line per variant: compiled rules, rules waiting for a control fact, patterns,
networks, create_ruleset milliseconds (median of fresh copies, variants rotating), microseconds per session
(median; CPU time of the thread, so that the shared machine's load counts less), the median of each
assessment's time against the same assessment's under ``every``, and on how many inputs the conclusions,
the firings (as a multiset) and the firings in order (with the facts, each with the firings that
concluded it) are those of ``every``.

    python bench/control.py                                   # built-in rules, examples and 200 profiles
    python bench/control.py --times 10 --profiles 100 --rounds 3
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import gc
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if not __package__:  # run as a script (`python bench/control.py`): the repository root holds the bench package
    sys.path.insert(0, str(HERE.parent))

from bench import lint_bench, profiles  # noqa: E402
from cxm.engine.knowledge.loader import load_knowledge  # noqa: E402
from cxm.engine.runtime import host, session  # noqa: E402
from cxm.engine.runtime.compiler import CONTROLS, CompiledBase, compile_base  # noqa: E402
from cxm.facts.load import load_facts, validate  # noqa: E402
from cxm.facts.source import Document  # noqa: E402
from cxm.facts.vocabulary import flatten  # noqa: E402

EXAMPLES = HERE.parent / "facts" / "examples"
REFERENCE = "every"


def _create_ms(bases: dict[str, CompiledBase], rounds: int) -> dict[str, float]:
    """create_ruleset of each variant's networks under fresh names, the variants rotating; median per variant."""
    texts = {}
    for control, base in bases.items():
        texts[control] = []
        for body in base.ruleset.values():
            rules = {rule: {k: v for k, v in d.items() if k != "run"} for rule, d in body.items()}
            rules[host.ANCHOR] = {"all": [{"cxm_a": {"cxm_start": 1}}]}
            texts[control].append(json.dumps(rules, ensure_ascii=False))
    spent: dict[str, list[float]] = {c: [] for c in bases}
    order = list(bases)
    for r in range(rounds):
        for control in order[r % len(order) :] + order[: r % len(order)]:
            start = time.perf_counter()
            for n, text in enumerate(texts[control]):
                host.core().create_ruleset(f"cxm_bench_{control}_{r}_{n}", text)
            spent[control].append(time.perf_counter() - start)
    return {c: statistics.median(s) * 1e3 for c, s in spent.items()}


def _views(trace: session.Trace) -> dict[str, Any]:
    firings = [dataclasses.astuple(f) for f in trace.firings]
    return {
        "conclusions": {k: (f.name, f.value) for k, f in trace.facts.items() if not f.input},
        "firing_set": collections.Counter((f[1], f[2], tuple(sorted(f[4])), tuple(f[5])) for f in firings),
        "firing_order": (firings, [(k, dataclasses.astuple(f)) for k, f in trace.facts.items()]),
    }


def measure(times: float, count: int, rounds: int) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="cxm-control-") as tmp:
        extra = []
        if times > 1:
            builtin = len(load_knowledge().rules)
            lint_bench.generate(Path(tmp) / "generated", round((times - 1) * builtin))
            extra.append(Path(tmp) / "generated")
        kb = load_knowledge(extra)
    variants = [REFERENCE] + [c for c in CONTROLS if c != REFERENCE]
    bases = {c: compile_base(kb, control=c) for c in variants}
    create = _create_ms(bases, 15)
    for base in bases.values():
        for name, text in base.texts.items():
            host.handle(name, text)
    inputs = [flatten(load_facts(p).data) for p in sorted(EXAMPLES.glob("*.yaml"))]
    inputs += [
        flatten(validate(Document(f"<profile {n}>", data)).data)
        for n, data in enumerate(profiles.profiles(count, seed=16), 1)
    ]
    same: collections.Counter[tuple[str, str]] = collections.Counter()
    for flat in inputs:
        ref = _views(session.run(kb, bases[REFERENCE], flat))
        for control in variants:
            got = _views(session.run(kb, bases[control], flat))
            for what, value in ref.items():
                same[control, what] += got[what] == value
    gc.collect()
    gc.freeze()
    cpu = time.thread_time
    spent: dict[str, list[float]] = {c: [] for c in variants}
    for r in range(rounds):
        for i, flat in enumerate(inputs):
            k = (r + i) % len(variants)
            for control in variants[k:] + variants[:k]:
                start = cpu()
                session.run(kb, bases[control], flat)
                spent[control].append(cpu() - start)
    rows = []
    for control, base in bases.items():
        definitions = [base.definition(name) for name in base.rules]
        ratios = [a / b for a, b in zip(spent[control], spent[REFERENCE], strict=True)]
        rows.append(
            {
                "times": times,
                "control": control,
                "rules": len(kb.rules),
                "compiled": len(definitions),
                "waiting": sum("p" in d["all"][0] for d in definitions),
                "patterns": sum(len(d["all"]) for d in definitions),
                "networks": len(base.ruleset),
                "create_ms": round(create[control], 1),
                "run_us": round(statistics.median(spent[control]) * 1e6),
                "against_every": round(statistics.median(ratios), 3),
                "inputs": len(inputs),
                **{f"same_{what}": same[control, what] for what in ("conclusions", "firing_set", "firing_order")},
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--times", type=float, default=1.0, help="size against the built-in knowledge base")
    parser.add_argument("--profiles", type=int, default=200, help="generated profiles besides the 12 examples")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds over the inputs")
    args = parser.parse_args()
    for row in measure(args.times, args.profiles, args.rounds):
        print(json.dumps(row))


if __name__ == "__main__":
    main()
