"""Rule scaling: the built-in knowledge base plus generated rules, 1x to 25x its size, in one fresh process each.

Generated rules come in the families of ``bench/lint_bench.py`` (rules that fire and rules that do not);
``--dormant N`` adds N rules that never fire instead (each tests a fact nothing concludes), to price a rule
that never fires. Prints one JSON line: rules, compiled rules, networks, patterns, firings, load and
create_ruleset seconds, microseconds per assessment (the session alone, the lean result, and the time
spent inside durable-rules' C functions; CPU time of the thread, so that the shared machine's load counts
less), RSS.

    python bench/scale.py --times 10
    python bench/scale.py --dormant 5000
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

HERE = Path(__file__).resolve().parent
if not __package__:  # run as a script (`python bench/scale.py`): the repository root holds the bench package
    sys.path.insert(0, str(HERE.parent))

from bench import lint_bench  # noqa: E402
from bench.plain import PlainEvaluator  # noqa: E402
from cxm.engine.runtime import host  # noqa: E402

if TYPE_CHECKING:
    from cxm.engine.services.api import Engine
    from cxm.facts.load import LoadedFacts

EXAMPLES = HERE.parent / "facts" / "examples"
CORE_CALLS = ("assert_fact", "assert_facts", "start_action_for_state", "complete_and_start_action", "delete_state")


def dormant(folder: Path, count: int) -> int:
    """``count`` rules that never fire: each tests a fact of its own that no rule concludes."""
    folder.mkdir(parents=True, exist_ok=True)
    desc = '    description: {en: "Dormant fact.", ru: "Спящий факт."}\n'
    for part in range(0, count, 500):
        facts, rules = [], []
        for n in range(part, min(part + 500, count)):
            facts.append(f"  dormant_{n}:\n    type: bool\n{desc}  dormant_{n}_out:\n    type: bool\n{desc}")
            then = f"{{derive: {{dormant_{n}_out: true}}}}"
            rules.append(lint_bench._rule(f"dormant-{n}", f"{{dormant_{n}: true}}", then))
        text = "facts:\n" + "".join(facts) + "rules:\n" + "".join(rules)
        (folder / f"dormant-{part // 500:03d}.yaml").write_text(text, encoding="utf-8")
    return count


class CoreClock:
    """Times every call of the C core's functions the session makes (wrapping them in the module, until
    :meth:`remove`)."""

    def __init__(self) -> None:
        self._spent = 0.0
        self.calls = 0
        self.overhead = self._calibrate()
        core = host.core()
        self.real = {name: getattr(core, name) for name in CORE_CALLS}
        for name, real in self.real.items():
            setattr(core, name, self._timed(real))

    @property
    def spent(self) -> float:
        """CPU time inside the C functions: the timed intervals less the clock's own part of each."""
        return max(0.0, self._spent - self.calls * self.overhead)

    @spent.setter
    def spent(self, value: float) -> None:
        self._spent, self.calls = value, 0

    @staticmethod
    def _calibrate(pairs: int = 50_000) -> float:
        """What one timed interval around nothing measures (a clock read is a system call: about 1 µs here)."""
        clock, total = time.thread_time, 0.0
        for _ in range(pairs):
            start = clock()
            total += clock() - start
        return total / pairs

    def remove(self) -> None:
        for name, real in self.real.items():
            setattr(host.core(), name, real)

    def _timed(self, real):  # a C function of the core
        clock = time.thread_time  # CPU time of this thread: the shared machine's load does not count

        def call(*args):
            start = clock()
            try:
                return real(*args)
            finally:
                self._spent += clock() - start
                self.calls += 1

        return call


def rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure(times: float, dormant_rules: int, rounds: int) -> dict[str, float]:
    from cxm.engine.services.api import Engine
    from cxm.facts.load import load_facts

    builtin = len(Engine().kb.rules)
    with tempfile.TemporaryDirectory(prefix="cxm-scale-") as tmp:
        folders: list[Path] = []
        if dormant_rules:
            dormant(Path(tmp) / "dormant", dormant_rules)
            folders.append(Path(tmp) / "dormant")
        elif times > 1:
            lint_bench.generate(Path(tmp) / "generated", round((times - 1) * builtin))
            folders.append(Path(tmp) / "generated")
        start = time.perf_counter()
        engine = Engine(folders)
        load = time.perf_counter() - start
    gc.freeze()  # as `cxm` does once the rule base is loaded (cli/main.py, `started`)
    compiled = engine.compiled
    start = time.perf_counter()
    for name, text in compiled.texts.items():
        host.handle(name, text)
    create = time.perf_counter() - start
    loaded = [load_facts(p) for p in sorted(EXAMPLES.glob("*.yaml"))]
    firings = [len(engine.run(x).firings) for x in loaded]  # warm up
    alone = Engine() if dormant_rules else None  # the built-in rules alone, timed in turn with the dormant ones
    if alone:
        for x in loaded:
            alone.run(x)
    run, lean, core, base = [], [], [], []
    cpu = time.thread_time
    for _ in range(rounds):
        for x in loaded:
            t = cpu()
            engine.run(x)
            run.append(cpu() - t)
            t = cpu()
            engine.summarize(x)
            lean.append(cpu() - t)
            if alone:
                t = cpu()
                alone.run(x)
                base.append(cpu() - t)
    correct = _correct(engine, loaded)
    clock = CoreClock()  # the time inside the C functions, in passes of their own (timing costs a little)
    for _ in range(rounds):
        for x in loaded:
            clock.spent = 0.0
            engine.run(x)
            core.append(clock.spent)
    clock.remove()
    return {
        "times": times,
        "dormant": dormant_rules,
        "rules": len(engine.kb.rules),
        "compiled": len(compiled.rules),
        "networks": len(compiled.ruleset),
        "patterns": sum(
            len(d["all"]) for body in compiled.ruleset.values() for n, d in body.items() if n in compiled.rules
        ),
        "largest": max(sum(len(d["all"]) for d in body.values()) for body in compiled.ruleset.values()),
        "firings": statistics.mean(firings),
        "load_s": load,
        "create_s": create,
        "run_us": statistics.median(run) * 1e6,
        "lean_us": statistics.median(lean) * 1e6,
        "core_us": statistics.median(core) * 1e6,
        "rss_mib": rss_mib(),
        "correct": correct,
        **({"alone_us": statistics.median(base) * 1e6} if base else {}),
    }


def _correct(engine: Engine, loaded: list[LoadedFacts]) -> bool:
    """Whether every example gets the stage and levels of the built-in rules alone and exactly the conclusions
    an independent plain-Python evaluator of the same rules reaches (``bench/plain.py``)."""
    from cxm.engine.services.api import Engine
    from cxm.facts.vocabulary import flatten

    alone = Engine()
    plain = PlainEvaluator(engine.kb)
    for x in loaded:
        got, base = engine.summarize(x), alone.summarize(x)
        if (got.stage, got.levels) != (base.stage, base.levels):
            return False
        if plain.assess(flatten(x.data)) != {
            "stage": got.stage,
            "levels": got.levels,
            "recommendations": got.recommendations,
            "held_back": got.held_back,
        }:
            return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--times", type=float, default=1.0, help="size against the built-in knowledge base")
    parser.add_argument("--dormant", type=int, default=0, help="add this many rules that never fire instead")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over the 12 examples")
    args = parser.parse_args()
    os.environ["CXM_NO_CACHE"] = "1"  # load and compile every time: that is measured
    print(json.dumps(measure(args.times, args.dormant, args.rounds)))


if __name__ == "__main__":
    main()
