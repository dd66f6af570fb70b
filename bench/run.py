"""The benchmark: start-up, per-assessment cost against its floors, batch throughput and memory.

    python bench/run.py                        # everything, writes bench/RESULTS.md
    python bench/run.py --sizes 10000 --cold-runs 5 --rounds 20   # shorter
    python bench/run.py --quick                # all sections, small sizes: under 5 minutes

All figures come from one run on one machine; ratios compare figures of the same run. Times are
medians (cold start: of fresh processes; in-process: of single assessments; batch: of whole runs).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if not __package__:  # run as a script (`python bench/run.py`): the repository root holds the bench package
    sys.path.insert(0, str(ROOT))

from bench import peers, profiles, wrapped  # noqa: E402
from bench.plain import PlainEvaluator  # noqa: E402

EXAMPLE = ROOT / "facts" / "examples" / "article-1-wellness-resort.yaml"
FLOOR = "import click, pydantic_core, yaml, durable.engine"
SCALES = [1, 2, 5, 10, 25]  # sizes of the rule base against the built-in one (bench/scale.py)
DORMANT = 5000  # rules that never fire, added to price one


def cxm_command() -> list[str]:
    script = Path(sys.executable).parent / "cxm"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cxm.cli"]


def rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def install_kind() -> str:
    """How cx-maturity is installed: the cold start of an editable install also reads the source tree."""
    import cxm.engine

    where = Path(cxm.engine.__file__).resolve()
    kind = "installed in site-packages" if "site-packages" in where.parts else f"run from {where.parent.parent}"
    return f"cx-maturity {kind}"


def _env() -> dict[str, str]:
    """This environment, writing bytecode caches (as an installed program has them)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=_env())
    return time.perf_counter() - start


def scale(times: float, dormant: int, rounds: int) -> dict[str, float]:
    """One row of the rule-scaling table, measured in a fresh process (bench/scale.py)."""
    cmd = [
        sys.executable,
        str(HERE / "scale.py"),
        "--times",
        str(times),
        "--dormant",
        str(dormant),
        "--rounds",
        str(rounds),
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT, env=_env()).stdout
    return json.loads(out.strip().splitlines()[-1])


def cold(runs: int, worst: Path, counted: tuple[str, ...] = ("floor", "start")) -> dict[str, float]:
    """Fresh processes, interleaved so that all see the same load; the rule cache is warmed first.

    ``cxm assess --no-path`` is start-up and one assessment; plain ``cxm assess`` adds the roadmap's
    shortest-path search (engine runs of its own); ``worst`` is plain ``cxm assess`` of the generated company
    whose shortest path takes the most runs. Wall and CPU time (user + system of the child)."""
    commands = {
        "floor": [sys.executable, "-c", FLOOR],
        "start": [*cxm_command(), "assess", str(EXAMPLE), "--no-path"],
        "assess": [*cxm_command(), "assess", str(EXAMPLE)],
        "worst": [*cxm_command(), "assess", str(worst)],
        "phases": [sys.executable, str(HERE / "startup.py"), str(EXAMPLE)],
    }
    for cmd in commands.values():
        timed(cmd)
    wall: dict[str, list[float]] = {k: [] for k in commands}
    cpu: dict[str, list[float]] = {k: [] for k in commands}
    phases: list[dict[str, float]] = []
    for _ in range(runs):
        for name, cmd in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            done = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT, env=_env())
            wall[name].append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            if name == "phases":
                phases.append(json.loads(done.stdout))
    out = {name: statistics.median(v) for name, v in wall.items()}
    out.update({f"{name}_cpu": statistics.median(v) for name, v in cpu.items()})
    out["breakdown"] = {k: statistics.median(p[k] for p in phases) / 1e3 for k in phases[0]}
    out["runs"] = runs
    out["instructions"] = instructions({k: commands[k] for k in counted})
    return out


def path_runs() -> int:
    """The sessions the roadmap's shortest-path search runs for the example (on the stage's rules)."""
    from cxm.engine.explain.whatif import shortest_path, stage_inputs
    from cxm.engine.runtime import session
    from cxm.engine.services.api import Engine, read_facts
    from cxm.facts.vocabulary import flatten

    engine = Engine()
    loaded = read_facts(EXAMPLE)
    runs: list[int] = []

    def run(facts: dict) -> object:
        runs.append(1)
        return session.run(engine.kb, engine.stage_rules, facts)

    relevant = stage_inputs(engine.kb, engine.kb.slice("stage").rules)
    shortest_path(engine.kb, engine.assess(loaded), flatten(loaded.data), run, relevant)
    return len(runs)


def instructions(commands: dict[str, list[str]]) -> dict[str, int]:
    """Instructions each command executes, counted by valgrind's cachegrind without its cache model (the same
    on a busy machine as on a quiet one); empty where valgrind is not installed."""
    if not shutil.which("valgrind"):
        return {}
    counts = {}
    for name, cmd in commands.items():
        if cmd[0] != sys.executable:  # the cxm script: run its interpreter under valgrind
            cmd = [sys.executable, *cmd]
        done = subprocess.run(
            ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", *cmd],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=_env(),
        )
        found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
        if done.returncode or not found:
            return {}
        counts[name] = int(found.group(1).replace(",", ""))
    return counts


def in_process(rounds: int) -> dict[str, float]:
    """Median time of one assessment of each example: the engine, its session, the session through durable-rules'
    Python wrapper, plain Python."""
    from cxm.engine.services.api import Engine
    from cxm.facts.load import load_facts
    from cxm.facts.vocabulary import flatten

    engine = Engine()
    plain = PlainEvaluator(engine.kb)
    loaded = [load_facts(p) for p in sorted((ROOT / "facts" / "examples").glob("*.yaml"))]
    flat = [flatten(x.data) for x in loaded]
    samples: dict[str, list[float]] = {"engine": [], "session": [], "plain": [], "engine_cpu": [], "wrapped": []}
    cpu = time.process_time
    for x in loaded:  # warm up
        engine.assess(x)
    clock = time.perf_counter
    for r in range(rounds):
        for x, f in zip(loaded, flat, strict=True):
            t, u = clock(), cpu()
            engine.assess(x)
            samples["engine"].append(clock() - t)
            samples["engine_cpu"].append(cpu() - u)
            t = clock()
            engine.run(x)
            samples["session"].append(clock() - t)
            t = clock()
            wrapped.run(engine.kb, engine.compiled, f)
            samples["wrapped"].append(clock() - t)
            if r < max(3, rounds // 5):  # the slow floor: fewer rounds
                t = clock()
                plain.assess(f)
                samples["plain"].append(clock() - t)
    return {k: statistics.median(v) for k, v in samples.items()}


def loop(path: Path, mark: int = 1000) -> dict[str, float]:
    """The in-process loop a batch is measured against: read, validate, assess, project every row."""
    from cxm.engine.services import batch
    from cxm.facts import tabular

    source = tabular.open_source(path)
    batch.engine_for(())
    rows = 0
    rss_mark = 0.0
    start = time.perf_counter()
    for chunk in batch.chunks(tabular.read_rows(source), batch.CHUNK):
        rows += len(batch.assess_rows(source, (), chunk))
        if rss_mark == 0.0 and rows >= mark:
            rss_mark = rss_mib()
    wall = time.perf_counter() - start
    return {
        "rows": rows,
        "seconds": wall,
        "rate": rows / wall,
        "rss_mark": rss_mark,
        "rss_end": rss_mib(),
        "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all CPUs, from /proc/stat); 0 where there is none."""
    try:
        with open("/proc/stat") as handle:
            ticks = [int(x) for x in handle.readline().split()[1:]]
    except OSError:
        return 0.0
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def batch_run(path: Path, jobs: int, out: Path) -> tuple[float, float, float]:
    """One `cxm batch` run: its wall time, the CPU time of its processes (the parent and the workers it forks and
    reaps; not those a forkserver starts), and the CPU time other processes of the machine used meanwhile."""
    before, busy = resource.getrusage(resource.RUSAGE_CHILDREN), busy_seconds()
    wall = timed([*cxm_command(), "batch", str(path), "-o", str(out), "--jobs", str(jobs)])
    after, busy = resource.getrusage(resource.RUSAGE_CHILDREN), busy_seconds() - busy
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu, max(0.0, busy - cpu)


def batch_runs(path: Path, runs: int, out: Callable[[int], Path]) -> dict[str, dict[int, float]]:
    """Median wall and CPU times of ``runs`` runs with --jobs 1 and --jobs 2, interleaved (1, 2, 1, 2, ...), so
    that a change of the shared machine's load falls on both alike; with what the rest of the machine used
    meanwhile (``others``: the share of all CPUs) and the load average at each start."""
    samples: dict[int, list[tuple[float, ...]]] = {1: [], 2: []}
    cpus = os.cpu_count() or 1
    for _ in range(runs):
        for jobs in (1, 2):
            load = os.getloadavg()[0]
            wall, cpu, others = batch_run(path, jobs, out(jobs))
            samples[jobs].append((wall, cpu, others / (wall * cpus), load))
    return {
        what: {jobs: statistics.median(s[i] for s in samples[jobs]) for jobs in (1, 2)}
        for i, what in enumerate(("wall", "cpu", "others", "load"))
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="batch sizes (comma-separated)")
    parser.add_argument("--cold-runs", type=int, default=11)
    parser.add_argument("--rounds", type=int, default=50, help="rounds over the examples, in-process")
    parser.add_argument(
        "--batch-runs", type=int, default=3, help="runs of each batch size and job count (interleaved; medians)"
    )
    parser.add_argument("--scale-rounds", type=int, default=3, help="rounds over the examples per rule-base size")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="2,000 profiles, 10 rounds, 1 scaling round, 2 batch runs and 9 cold starts of each: "
        "every section in under 5 minutes",
    )
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.rounds, args.scale_rounds, args.batch_runs, args.cold_runs = "2000", 10, 1, 2, 9
    if not peers.have_clips():
        parser.error("the CLIPS comparison needs clipspy: pip install -e '.[bench]'")
    sizes = [int(s) for s in args.sizes.split(",") if s]
    command = "python bench/run.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    load_before = os.getloadavg()
    began = time.perf_counter()

    def say(text: str = "") -> None:
        print(f"[{time.perf_counter() - began:5.0f} s] {text}", flush=True)

    work = Path(tempfile.mkdtemp(prefix="cxm-bench-"))
    worst, worst_runs, median_runs = peers.worst_company(2000, work)
    say(f"worst of 2,000 generated companies: {worst_runs} shortest-path runs (median {median_runs})")
    c = cold(args.cold_runs, worst, ("floor", "start", "assess", "worst"))
    c["worst_runs"], c["median_runs"] = worst_runs, median_runs
    shutil.rmtree(work)
    say(
        f"cold: cxm assess --no-path {c['start'] * 1e3:.0f} ms, cxm assess {c['assess'] * 1e3:.0f} ms, "
        f"worst {c['worst'] * 1e3:.0f} ms, floor {c['floor'] * 1e3:.0f} ms; instructions {c['instructions']}"
    )
    compared = {t: peers.cpu(t, args.rounds, _env()) for t in (1.0, 10.0)}
    for row in compared.values():
        say("per company (µs): " + json.dumps(row))
    counted = {1.0: peers.instructions(1.0, 2, _env())}
    if not args.quick:
        counted[10.0] = peers.instructions(10.0, 1, _env())
    say("instructions per company: " + json.dumps(counted))
    say("start-up phases (ms): " + ", ".join(f"{k} {v * 1e3:.1f}" for k, v in c["breakdown"].items()))
    p = in_process(args.rounds)
    say("in-process (ms): " + ", ".join(f"{k} {v * 1e3:.2f}" for k, v in p.items()))
    scaled = []
    for times in SCALES:
        scaled.append(scale(times, 0, args.scale_rounds))
        say(f"scale {times}x: " + json.dumps(scaled[-1]))
    dormant = [scale(1, DORMANT, args.scale_rounds)]
    say(f"dormant {DORMANT}: " + json.dumps(dormant[-1]))
    results = []
    with tempfile.TemporaryDirectory(prefix="cxm-bench-") as tmp:
        for size in sizes:
            data = profiles.write(Path(tmp) / f"p{size}.csv", size)
            lp = loop(data)
            say(f"loop {size}: {lp['rate']:.0f} rows/s, rss {lp['rss_mark']:.1f} -> {lp['rss_end']:.1f} MiB")
            times = batch_runs(data, args.batch_runs, lambda jobs, n=size: Path(tmp) / f"out{n}-{jobs}.jsonl")
            for jobs in (1, 2):
                say(
                    f"batch {size} --jobs {jobs}: {times['wall'][jobs]:.1f} s ({size / times['wall'][jobs]:.0f} "
                    f"rows/s), CPU {times['cpu'][jobs]:.1f} s, others {times['others'][jobs]:.0%} of the CPUs, "
                    f"load {times['load'][jobs]:.1f}"
                )
            same = (Path(tmp) / f"out{size}-1.jsonl").read_bytes() == (Path(tmp) / f"out{size}-2.jsonl").read_bytes()
            results.append((size, lp, times, same))
            (Path(tmp) / f"out{size}-1.jsonl").unlink()
            (Path(tmp) / f"out{size}-2.jsonl").unlink()
    load_after = os.getloadavg()
    c["path_runs"] = path_runs()
    write_results(args.out, command, c, p, results, load_before, load_after, scaled, dormant, (compared, counted))
    print(f"wrote {args.out}")


def _startup(c: dict) -> list[str]:
    """Where the cold start goes (bench/startup.py, medians of fresh processes), against the floor."""
    floor, phases = c["floor"], c["breakdown"]
    rest = c["start"] - sum(phases.values())
    engine = phases["create_ruleset (durable-rules' C core)"] + phases["first session"]
    rows = [f"| {name} | {ms * 1e3:.1f} ms | {ms / floor:.2f} |" for name, ms in phases.items()]
    return [
        "### Where the start-up goes",
        "",
        f"`python bench/startup.py` runs the phases of `cxm assess --no-path` by hand and times each (medians of "
        f'{c["runs"]} fresh processes, interleaved with those above); "the rest" is the interpreter\'s own start and '
        "exit and click's command line, the cold-start figure less the phases.",
        "",
        "| phase | time | of the floor |",
        "|---|---|---|",
        *rows,
        f"| the rest | {rest * 1e3:.1f} ms | {rest / floor:.2f} |",
        "",
        f"The floor's imports are {phases['floor imports (click, pydantic_core, yaml)'] / floor:.2f} of the floor "
        f"(it also imports durable.engine, which `cxm` does not). The engine's own work for one company, building "
        f"its rulesets in the C core and the first session, is {engine / floor:.2f} of the floor by itself: with the "
        "built-in rule base (344 rules, 395 compiled) a cold start within 1.3× of the floor would leave the rest "
        "of the program (its modules, reading the facts and the cached rule base, the result and its text) "
        f"{max(0.0, 0.3 * floor - engine) * 1e3:.0f} ms.",
        "",
    ]


def _scaling(scaled: list[dict], dormant: list[dict], ok: Callable[[bool], str]) -> list[str]:
    """The rule-scaling section and the C engine's share (figures of bench/scale.py, CPU time of the thread)."""
    one = scaled[0]
    (extra,) = dormant
    per_dormant = (extra["run_us"] - extra["alone_us"]) / DORMANT
    md = [
        "## The C engine's share of one assessment",
        "",
        "CPU time of the thread, median over the 12 examples; the C time is the sum of every call of durable-rules' "
        "C functions (`durable_rules_engine`) in the session, timed in passes of their own.",
        "",
        "| measure | time | C engine | ratio | target |",
        "|---|---|---|---|---|",
        f"| session (`Engine.run`: C core driven directly + recording) | {one['run_us']:.0f} µs "
        f"| {one['core_us']:.0f} µs "
        f"| {one['run_us'] / one['core_us']:.2f}× | ≤ 1.5× — {ok(one['run_us'] <= 1.5 * one['core_us'])} |",
        f"| lean assessment (`Engine.summarize`: session + stage, levels, ids) | {one['lean_us']:.0f} µs "
        f"| {one['core_us']:.0f} µs | {one['lean_us'] / one['core_us']:.2f}× | |",
        "",
        "## Rule scaling",
        "",
        "The built-in rules plus generated families of `bench/lint_bench.py` (rules that fire and rules that do not), "
        "each size loaded, compiled and assessed in a fresh process (`python bench/scale.py --times N`); patterns "
        "count every pattern of every compiled rule, networks the durable-rules rulesets it compiles into. "
        "Correct: every example gets the built-in rules' stage and levels, and exactly the stage, levels, "
        "recommendations and held-back ids that `bench/plain.py` (an independent evaluator of the same rules) reaches.",
        "",
        "| size | rules | compiled | networks | patterns | firings | load | create_ruleset | µs per assessment "
        "| µs per firing | of which C | RSS | 12 examples correct |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in scaled:
        md.append(
            f"| {row['times']:.0f}x | {row['rules']:,} | {row['compiled']:,} | {row['networks']} "
            f"| {row['patterns']:,} | {row['firings']:.0f} | {row['load_s']:.2f} s | {row['create_s']:.3f} s "
            f"| {row['lean_us']:,.0f} | {row['lean_us'] / row['firings']:.0f} "
            f"| {row['core_us'] / row['run_us']:.0%} | {row['rss_mib']:.0f} MiB "
            f"| {'yes' if row['correct'] else '**no**'} |"
        )
    last = scaled[-1]
    growth = (last["lean_us"] / last["firings"]) / (one["lean_us"] / one["firings"])
    largest = max(row["largest"] for row in scaled)
    md += [
        "",
        f"Cost per firing at {last['times']:.0f}x against 1x: {growth:.2f}×. Earlier runs read 0.93× (RESULTS.md "
        "before issue 28) and 1.38× (issue 28's re-measurement): one round per size on a shared machine does not "
        "settle it, and the claim that the cost is linear in the rules that fire is withdrawn; the instruction-"
        "counted comparison above gives the cost per firing at 1x and 10x.",
        "",
        f"Heap: the largest network of any size holds {largest:,} patterns, so a session's state there is about "
        f"{largest * 8 / 1024:.1f} MiB (8 KiB per beta node), below glibc's largest mmap threshold (32 MiB) by "
        "construction (at most 3,000 patterns per network): no session maps and unmaps its state.",
        "",
        f"Rules that never fire: {DORMANT:,} rules each testing a fact nothing concludes, added to the built-in "
        f"base (`python bench/scale.py --dormant {DORMANT}`, each session timed in turn with one of the built-in "
        f"rules alone, in one process): {extra['alone_us']:.0f} → {extra['run_us']:.0f} µs per "
        f"session, {per_dormant:+.3f} µs per rule (target < 1 µs — {ok(per_dormant < 1)}); they compile into "
        f"{extra['networks'] - 1} networks of their own that no session opens.",
        "",
    ]
    return md


def _counted(c: dict, name: str, target: float, ok: Callable[[bool], str]) -> list[str]:
    """The instructions row of a cold command, where valgrind counted them."""
    if not c["instructions"]:
        return []
    n, floor = c["instructions"][name], c["instructions"]["floor"]
    return [
        f"| the same, instructions executed (valgrind) | {n / 1e6:.0f} M | floor: {floor / 1e6:.0f} M "
        f"| {n / floor:.2f}× | ≤ {target:g}× — {ok(n <= target * floor)} |"
    ]


def _targets(
    c: dict, by_size: dict, counted: dict, results: list, peer_met: dict[str, bool], ok: Callable[[bool], str]
) -> list[str]:
    """Issue 28's targets, each with its figure in this run and whether it is met."""
    one, ten = by_size[1.0], by_size[10.0]
    ins = c["instructions"]
    one_i = counted.get(1.0) or {}
    ten_i = counted.get(10.0) or {}

    def both(cpu: str, cpu_ok: bool, count: str | None, count_ok: bool | None) -> str:
        text = f"CPU {cpu} — {ok(cpu_ok)}"
        return text + (f"; instructions {count} — {ok(bool(count_ok))}" if count else "; instructions not counted")

    def against_floor(cpu: str, instructions: str, limit: float) -> str:
        """A cold run's ratio to the import floor, in CPU seconds and (where counted) instructions, and the limit."""
        return both(
            f"{c[cpu] / c['floor_cpu']:.2f}×",
            c[cpu] <= limit * c["floor_cpu"],
            f"{ins[instructions] / ins['floor']:.2f}×" if ins else None,
            ins and ins[instructions] <= limit * ins["floor"],
        )

    rows = [
        (
            "cxm's lean result per company ≤ 1.5× CLIPS's, 1x rule base",
            both(
                f"{one['lean_us'] / one['clips_us']:.2f}×",
                peer_met["1x"],
                f"{one_i['lean'] / one_i['clips']:.2f}×" if one_i else None,
                peer_met.get("1x instructions"),
            ),
        ),
        (
            "the same ≤ 3× at 10x",
            both(
                f"{ten['lean_us'] / ten['clips_us']:.2f}×",
                peer_met["10x"],
                f"{ten_i['lean'] / ten_i['clips']:.2f}×" if ten_i else None,
                peer_met.get("10x instructions"),
            ),
        ),
        (
            "cold `cxm assess` ≤ 1.3× the import floor (the example, with its shortest path)",
            against_floor("assess_cpu", "assess", 1.3),
        ),
        ("the same without the shortest path (`--no-path`)", against_floor("start_cpu", "start", 1.3)),
        ("the worst generated company's cold `cxm assess` ≤ 2× the floor", against_floor("worst_cpu", "worst", 2)),
    ]
    for size, _, times, _ in results:
        wall, cpu = times["wall"], times["cpu"]
        rows.append(
            (
                f"batch of {size:,}: --jobs 2 ≥ 1.8× the rows per second of --jobs 1",
                f"{wall[1] / wall[2]:.2f}× — {ok(wall[1] / wall[2] >= 1.8)} (other processes used "
                f"{times['others'][2]:.0%} of the CPUs meanwhile); rows per CPU-second {size / cpu[1]:.0f} "
                f"(--jobs 1), {size / cpu[2]:.0f} (--jobs 2)",
            )
        )
    return [
        "## Targets (issue 28)",
        "",
        "Instruction counts (valgrind) do not depend on the machine's load; CPU times depend on it a little, "
        "wall times a lot.",
        "",
        "| target | this run |",
        "|---|---|",
        *[f"| {t} | {r} |" for t, r in rows],
        "",
    ]


def write_results(
    out: Path,
    command: str,
    c: dict,
    p: dict,
    results: list,
    before: tuple,
    after: tuple,
    scaled: list[dict],
    dormant: list[dict],
    compared: tuple[dict, dict],
) -> None:
    def ok(flag: bool) -> str:
        return "met" if flag else "**not met**"

    by_size, counted = compared
    peer_md, peer_met = peers.section(by_size[1.0], by_size[10.0], counted, ok)
    md = [
        "# Benchmark results",
        "",
        f"Produced by `{command}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: "
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {before[0]:.1f} before and {after[0]:.1f} after (the machine is shared); {install_kind()}.",
        "Medians; ratios are between figures of this same run.",
        "",
        *_targets(c, by_size, counted, results, peer_met, ok),
        "## Start-up and one assessment",
        "",
        "| measure | time | against | ratio | target |",
        "|---|---|---|---|---|",
        f"| cold `cxm assess {EXAMPLE.relative_to(ROOT)} --no-path` (fresh process: start-up and one assessment) "
        f'| {c["start"] * 1e3:.0f} ms | `python -c "{FLOOR}"`: {c["floor"] * 1e3:.0f} ms '
        f"| {c['start'] / c['floor']:.2f}× | ≤ 1.3× — {ok(c['start'] <= 1.3 * c['floor'])} |",
        f"| the same, CPU time (user + system) | {c['start_cpu'] * 1e3:.0f} ms | floor: {c['floor_cpu'] * 1e3:.0f} ms "
        f"| {c['start_cpu'] / c['floor_cpu']:.2f}× | ≤ 1.3× — {ok(c['start_cpu'] <= 1.3 * c['floor_cpu'])} |",
        *(
            [
                f"| the same, instructions executed (valgrind, not affected by the machine's load) "
                f"| {c['instructions']['start'] / 1e6:.0f} M | floor: {c['instructions']['floor'] / 1e6:.0f} M "
                f"| {c['instructions']['start'] / c['instructions']['floor']:.2f}× "
                f"| ≤ 1.3× — {ok(c['instructions']['start'] <= 1.3 * c['instructions']['floor'])} |"
            ]
            if c["instructions"]
            else []
        ),
        f"| cold `cxm assess {EXAMPLE.relative_to(ROOT)}` (with the roadmap's shortest path: {c['path_runs']} more "
        f"sessions on the stage's rules) | {c['assess'] * 1e3:.0f} ms | floor: {c['floor'] * 1e3:.0f} ms "
        f"| {c['assess'] / c['floor']:.2f}× | ≤ 1.3× — {ok(c['assess'] <= 1.3 * c['floor'])} |",
        f"| the same, CPU time | {c['assess_cpu'] * 1e3:.0f} ms | floor: {c['floor_cpu'] * 1e3:.0f} ms "
        f"| {c['assess_cpu'] / c['floor_cpu']:.2f}× | ≤ 1.3× — {ok(c['assess_cpu'] <= 1.3 * c['floor_cpu'])} |",
        *_counted(c, "assess", 1.3, ok),
        f"| cold `cxm assess` of the worst of 2,000 generated companies (its shortest path: {c['worst_runs']} "
        f"sessions; the median company's: {c['median_runs']}) | {c['worst'] * 1e3:.0f} ms "
        f"| floor: {c['floor'] * 1e3:.0f} ms | {c['worst'] / c['floor']:.2f}× "
        f"| ≤ 2× — {ok(c['worst'] <= 2 * c['floor'])} |",
        f"| the same, CPU time | {c['worst_cpu'] * 1e3:.0f} ms | floor: {c['floor_cpu'] * 1e3:.0f} ms "
        f"| {c['worst_cpu'] / c['floor_cpu']:.2f}× | ≤ 2× — {ok(c['worst_cpu'] <= 2 * c['floor_cpu'])} |",
        *_counted(c, "worst", 2, ok),
        f"| in-process `Engine().assess` (per example) | {p['engine'] * 1e3:.2f} ms | | | |",
        f"| of which the session (`Engine.run`: durable-rules + recording) | {p['session'] * 1e3:.2f} ms | | | |",
        f"| the same session through durable-rules' Python wrapper, as before (`bench/wrapped.py`) "
        f"| {p['wrapped'] * 1e3:.2f} ms | session: {p['session'] * 1e3:.2f} ms | {p['wrapped'] / p['session']:.2f}× "
        "the session | |",
        f"| plain-Python forward chaining of the same rule data (`bench/plain.py`) | {p['plain'] * 1e3:.2f} ms "
        f"| engine: {p['engine'] * 1e3:.2f} ms | {p['plain'] / p['engine']:.2f}× the engine | |",
        "",
        *_startup(c),
        *peer_md,
        *_scaling(scaled, dormant, ok),
        "## Batch (`cxm batch PROFILES.csv -o OUT.jsonl --jobs N`, generated profiles, real CLI, lean results)",
        "",
        "| profiles | in-process loop | --jobs 1 | --jobs 2 | 2 jobs speed-up (≥ 1.8×) | rows per CPU-second: "
        "--jobs 1, 2 | CPU, all processes: "
        "--jobs 1 → 2 | other processes meanwhile (share of the CPUs), load average | 1 job vs loop (≤ 1.3×) "
        "| RSS after 1,000 → end (growth < 10 MiB) | peak RSS | outputs equal |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size, lp, times, same in results:
        loop_time = size / lp["rate"]
        growth = lp["rss_end"] - lp["rss_mark"]
        wall, cpu, others, load = times["wall"], times["cpu"], times["others"], times["load"]
        md.append(
            f"| {size:,} | {loop_time:.1f} s ({lp['rate']:.0f}/s) | {wall[1]:.1f} s ({size / wall[1]:.0f}/s) "
            f"| {wall[2]:.1f} s ({size / wall[2]:.0f}/s) | {wall[1] / wall[2]:.2f}× — "
            f"{ok(wall[1] / wall[2] >= 1.8)} | {size / cpu[1]:.0f}, {size / cpu[2]:.0f} "
            f"| {cpu[1]:.1f} → {cpu[2]:.1f} s ({cpu[2] / cpu[1]:.2f}×) "
            f"| {others[1]:.0%}, {others[2]:.0%}; {load[1]:.1f}, {load[2]:.1f} "
            f"| {wall[1] / loop_time:.2f}× — {ok(wall[1] <= 1.3 * loop_time)} "
            f"| {lp['rss_mark']:.1f} → {lp['rss_end']:.1f} MiB (+{growth:.1f}) — {ok(growth < 10)} "
            f"| {lp['peak']:.0f} MiB | {'yes' if same else '**no**'} |"
        )
    md += [
        "",
        "The in-process loop reads, validates, assesses and projects every row in this process "
        "(`cxm.engine.services.batch.assess_rows`); its RSS is read from /proc at row 1,000 and at the end, "
        "the peak "
        "from getrusage.",
        "",
    ]
    md += [
        "Batch times are medians of runs with --jobs 1 and --jobs 2 taken in turn (--jobs 1, then 2, then 1 "
        '...). CPU counts the parent and the workers it forks; "other processes" is the CPU time the rest of '
        "the machine used during the runs, as a share of all its CPUs (median, from /proc/stat), then the load "
        "average at their start. On a shared Linux machine the scheduler's autogroups give each session an "
        "equal share of the CPUs: while another session keeps a CPU busy, --jobs 2 gets little more CPU than "
        "--jobs 1 and its wall time cannot halve, so the speed-up is only meaningful when that share is near "
        "0 %; the CPU column does not depend on it, and shows what running in two processes costs.",
        "",
    ]
    md += [
        "Batch rows go through the lean result path (`Engine.summarize`: stage, levels, recommendation and "
        "held-back ids; no explanation is built).",
        "",
    ]
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    for kept in ("Before and after", "Lint", "The deciding interview"):  # the sections of bench/versus.py,
        # bench/lint_bench.py and bench/interview.py stay
        found = re.search(rf"## {kept}.*?(?=\n## |\Z)", old, flags=re.S)
        if found:
            md += [found.group(0).rstrip("\n"), ""]
    out.write_text("\n".join(md), encoding="utf-8")


if __name__ == "__main__":
    main()
