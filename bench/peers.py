"""cxm against its honest floor and against CLIPS, per company, at 1x and 10x the rule base; the worst generated
company's cold start. Measured by ``bench/run.py`` (fresh processes of ``bench/compare.py``), written into
bench/RESULTS.md by it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
COMPARED = ("assess", "lean", "floor", "clips")  # counted under valgrind (the sessions: CPU only)


def have_clips() -> bool:
    try:
        import clips  # noqa: F401
    except ImportError:
        return False
    return True


def cpu(times: float, rounds: int, env: dict[str, str]) -> dict[str, float]:
    """CPU time of the thread per company, each way (``bench/compare.py``, a fresh process)."""
    cmd = [sys.executable, str(HERE / "compare.py"), "--times", str(times), "--rounds", str(rounds)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def instructions(times: float, rounds: int, env: dict[str, str]) -> dict[str, float]:
    """Instructions per company, each way: a valgrind count of the set-up and ``rounds`` + 1 rounds over the 12
    examples of one way, less that of the set-up alone; empty without valgrind."""
    if not shutil.which("valgrind"):
        return {}

    def count(mode: str) -> int:
        cmd = [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            str(HERE / "compare.py"),
            "--times",
            str(times),
            "--mode",
            mode,
            "--rounds",
            str(rounds),
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
        found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
        if done.returncode or not found:
            raise RuntimeError(f"valgrind of compare.py --mode {mode} failed: {done.stderr[-500:]}")
        return int(found.group(1).replace(",", ""))

    base = count("none")
    return {mode: (count(mode) - base) / ((rounds + 1) * 12) for mode in COMPARED}


def worst_company(count: int, folder: Path) -> tuple[Path, int, int]:
    """Of ``count`` generated companies, the one whose roadmap's shortest path takes the most engine runs, written
    as a facts file in ``folder``; with its number of runs and the median of all."""
    import statistics

    import yaml

    from cxm.engine.explain.whatif import shortest_path, stage_inputs
    from cxm.engine.runtime import session
    from cxm.engine.services.api import Engine
    from cxm.facts import generate
    from cxm.facts.load import validate
    from cxm.facts.source import Document
    from cxm.facts.vocabulary import flatten

    engine = Engine()
    relevant = stage_inputs(engine.kb, (c.rule for c in engine.stage_rules.rules.values()))
    runs: list[int] = []
    worst: tuple[int, dict[str, Any]] = (-1, {})
    for n, data in enumerate(generate.profiles(count), 1):
        loaded = validate(Document(f"<profile {n}>", data))
        made = [0]

        def run(facts: dict, made: list[int] = made) -> Any:
            made[0] += 1
            return session.run(engine.kb, engine.stage_rules, facts)

        shortest_path(engine.kb, engine.assess(loaded), flatten(loaded.data), run, relevant)
        runs.append(made[0])
        if made[0] > worst[0]:
            worst = (made[0], data)
    path = folder / "worst-generated-company.yaml"
    path.write_text(yaml.safe_dump(worst[1], allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path, worst[0], int(statistics.median(runs))


def section(one: dict, ten: dict, counted: dict[float, dict], ok: Any) -> tuple[list[str], dict[str, bool]]:
    """The markdown of the comparison, and whether each of its targets is met."""
    md = [
        "## Against the honest floor and against CLIPS",
        "",
        "Per company, median over the 12 examples (CPU time of the thread, `python bench/compare.py --times N`, "
        "a fresh process per size); instructions per company from valgrind (`--mode WAY`: the set-up and rounds "
        "of one way, less `--mode none`: the set-up alone). Every way starts from the validated facts and ends "
        "with what it returns:",
        "",
        "- **assess**: the full result (`Engine.assess`, no shortest path); **lean**: the lean result "
        "(`Engine.summarize`: stage, levels, recommendation and held-back ids; what a batch row uses); **session**: "
        "the trace (`Engine.run`).",
        "- **floor**: the engine's own C-driving loop with the recording taken out (`bench/floor.py`: the same "
        'networks, messages and order; each action only asserts its new conclusions). It replaces "raw '
        "durable-rules\", which drove the rules through durable-rules' Python wrapper (JSON, Closure and Promise "
        "objects per action) and was no floor.",
        "- **CLIPS**: the same compiled rules translated into CLIPS (`bench/clips_peer.py`, clipspy): CLIPS's lean "
        "result (the session in one call, then the conclusions a summary reads); **CLIPS session** without them. "
        "It reaches the engine's stage, levels, recommendations, held-back ids and number of firings on the "
        "examples and on 2,000 generated companies (`python bench/clips_peer.py`; `tests/test_clips_peer.py`).",
        "",
        "| rule base | firings | way | CPU per company | µs per firing | instructions per company "
        "| CPU: against floor, CLIPS | instructions: against floor, CLIPS |",
        "|---|---|---|---|---|---|---|---|",
    ]
    names = {
        "assess": "cxm assess",
        "lean": "cxm lean result",
        "session": "cxm session",
        "floor": "floor",
        "clips": "CLIPS lean result",
        "clips_infer": "CLIPS session",
    }
    for row in (one, ten):
        ins = counted.get(row["times"], {})
        for way, name in names.items():
            us = row[f"{way}_us"]
            firings = row["clips"] if way.startswith("clips") else row["engine"]
            count = ins.get(way)
            against = (
                f"{us / row['floor_us']:.2f}×, {us / row['clips_us']:.2f}×"
                if way not in ("floor", "clips", "clips_infer")
                else ""
            )
            against_i = (
                f"{count / ins['floor']:.2f}×, {count / ins['clips']:.2f}×"
                if count and way in ("assess", "lean")
                else ""
            )
            md.append(
                f"| {row['times']:.0f}x ({row['rules']:,} rules, {row['compiled']:,} compiled) "
                f"| {firings:.0f} | {name} | {us:,.0f} µs | {us / firings:.1f} "
                f"| {f'{count / 1e6:.2f} M' if count else '—'} | {against} | {against_i} |"
            )
    growth = {w: (ten[f"{w}_us"] / ten["engine"]) / (one[f"{w}_us"] / one["engine"]) for w in ("lean", "floor")}
    growth["clips"] = (ten["clips_us"] / ten["clips"]) / (one["clips_us"] / one["clips"])
    md += [
        "",
        f"Cost per firing at 10x against 1x: cxm's lean result {growth['lean']:.2f}×, the floor "
        f"{growth['floor']:.2f}×, CLIPS {growth['clips']:.2f}× (CPU time).",
        "",
    ]
    met = {"1x": one["lean_us"] <= 1.5 * one["clips_us"], "10x": ten["lean_us"] <= 3 * ten["clips_us"]}
    if counted.get(1.0):
        met["1x instructions"] = counted[1.0]["lean"] <= 1.5 * counted[1.0]["clips"]
    if counted.get(ten["times"]):
        met["10x instructions"] = counted[ten["times"]]["lean"] <= 3 * counted[ten["times"]]["clips"]
    return md, met
