"""Load and lint time of large rule bases: the built-in rules plus 500 or 5,000 generated ones.

Generates a rule folder per size into a temporary directory (families of ten rules: three that
derive a fact from the company profile, alternatives and chains of recommendations down to tools,
absence tests and a ladder), then measures ``load_knowledge`` and ``lint`` (which loads too), the
median of several runs. Prints a table and writes ``bench/RESULTS.md`` (section "Lint").

    python bench/lint_bench.py              # 500 and 5,000 rules
    python bench/lint_bench.py --sizes 500 --runs 3
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from cxm.engine.authoring.lint import lint
from cxm.engine.knowledge.loader import load_knowledge

STAGES = ["ignore", "explore", "mobilize", "operationalize", "align", "embed"]
COMPETENCIES = ["leadership", "brand", "employees", "customers"]
OWNERS = ["none", "part_time", "full_time", "department"]
METRICS = ["nps", "csi", "csat", "ces", "churn", "ltv"]


def _rule(rule_id: str, when: str, then: str, priority: int = 50) -> str:
    return (
        f"  - id: {rule_id}\n"
        f'    title: {{en: "Generated rule {rule_id}", ru: "Сгенерированное правило {rule_id}"}}\n'
        f'    because: {{en: "A generated situation.", ru: "Сгенерированная ситуация."}}\n'
        f'    source: "bench/lint_bench.py"\n'
        f"    priority: {priority}\n"
        f"    when: {when}\n"
        f"    then: {then}\n"
    )


def _entry(rec_id: str, kind: str, serves: str | None, comp: str, stage: str) -> str:
    serves_line = f"    serves: {serves}\n" if serves else ""
    return (
        f"  - id: {rec_id}\n    kind: {kind}\n{serves_line}    competency: {comp}\n"
        f"    effort: low\n    cost: low\n"
        f'    title: {{en: "Generated {kind} {rec_id}", ru: "Сгенерированное: {rec_id}"}}\n'
        f'    text: {{en: "Do the generated thing.", ru: "Сделать сгенерированное."}}\n'
        f'    source: "bench/lint_bench.py"\n'
    )


def family(n: int, gate: str | None) -> tuple[str, str, str, int]:
    """One family of ten rules: (facts, recommendations, rules, rule count).

    ``gate`` is the fact of the previous layer: every rule tests its absence, which puts the family in
    a later phase (durable-rules holds at most 256 rules per phase; see engine/knowledge/loader.py).
    """
    fact = f"syn_{n}"
    stage = STAGES[n % len(STAGES)]
    comp = COMPETENCIES[n % len(COMPETENCIES)]
    metric = METRICS[n % len(METRICS)]
    owner = OWNERS[1 + n % 3]
    lo = 5 + n % 40
    unless = f"not: {{{gate}: true}}, " if gate else ""
    desc = f'    description: {{en: "Generated fact {n}.", ru: "Сгенерированный факт {n}."}}\n'
    facts = (
        f"  {fact}:\n    type: enum\n    values: [low, mid, high]\n    ordered: true\n{desc}"
        f"  {fact}_rung:\n    type: int\n    many: true\n{desc}"
        f"  {fact}_chosen:\n    type: bool\n{desc}  {fact}_acted:\n    type: bool\n{desc}"
    )
    d, a, t = f"syn-decision-{n}", f"syn-action-{n}", f"syn-tool-{n}"
    recs = (
        _entry(d, "decision", None, comp, stage)
        + _entry(a, "action", d, comp, stage)
        + _entry(t, "tool", a, comp, stage)
    )
    rules = [
        _rule(f"syn-{n}-low", f"{{{unless}company.employees: {{below: {lo}}}}}", f"{{derive: {{{fact}: low}}}}"),
        _rule(
            f"syn-{n}-mid",
            f"{{{unless}company.employees: {{between: [{lo}, {lo + 99}]}}}}",
            f"{{derive: {{{fact}: mid}}}}",
        ),
        _rule(
            f"syn-{n}-high", f"{{{unless}company.employees: {{at_least: {lo + 100}}}}}", f"{{derive: {{{fact}: high}}}}"
        ),
        _rule(
            f"syn-{n}-decide",
            f"{{{unless}stage: {stage}, {fact}: {{at_least: mid}}}}",
            f"{{recommend: {d}, derive: {{{fact}_chosen: true}}}}",
            10,
        ),
        _rule(
            f"syn-{n}-decide-owner",
            f"{{{unless}{fact}: low, leadership.cx_owner: {{at_least: {owner}}}}}",
            f"{{recommend: {d}, derive: {{{fact}_chosen: true}}}}",
            11,
        ),
        _rule(
            f"syn-{n}-act",
            f"{{{unless}{fact}_chosen: true, metrics.in_use: {{lacks: {metric}}}}}",
            f"{{recommend: {a}, derive: {{{fact}_acted: true}}}}",
            40,
        ),
        _rule(
            f"syn-{n}-tool",
            f"{{{unless}{fact}_acted: true, any: [{{brand.brand_book: false}}, "
            f"{{not: {{metrics.in_use: {{has_any: [nps, csi]}}}}}}]}}",
            f"{{recommend: {t}}}",
            60,
        ),
        _rule(f"syn-{n}-rung-1", f"{{{unless}company.employees: {{at_least: 1}}}}", f"{{derive: {{{fact}_rung: 1}}}}"),
        _rule(
            f"syn-{n}-rung-2",
            f"{{{unless}{fact}_rung: 1, {fact}: {{at_least: mid}}}}",
            f"{{derive: {{{fact}_rung: 2}}}}",
        ),
        _rule(f"syn-{n}-rung-3", f"{{{unless}{fact}_rung: 2, {fact}: high}}", f"{{derive: {{{fact}_rung: 3}}}}"),
    ]
    return facts, recs, "".join(rules), len(rules)


def layer_gate(layer: int, gate: str | None) -> tuple[str, str, int]:
    """The fact that puts the next layer one phase later, and the rule concluding it."""
    fact = f"syn_layer_{layer}"
    unless = f"not: {{{gate}: true}}, " if gate else ""
    decl = (
        f"  {fact}:\n    type: bool\n"
        f'    description: {{en: "Generated layer {layer}.", ru: "Сгенерированный слой {layer}."}}\n'
    )
    return (
        decl,
        _rule(f"syn-layer-{layer}", f"{{{unless}company.employees: {{below: 1}}}}", f"{{derive: {{{fact}: true}}}}"),
        1,
    )


def generate(folder: Path, size: int, per_layer: int = 10) -> int:
    """Write about ``size`` generated rules into ``folder``, a file per layer of ``per_layer`` families."""
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    families = max(1, size // 10)
    gate: str | None = None
    for layer, start in enumerate(range(0, families, per_layer)):
        parts = [family(n, gate) for n in range(start, min(start + per_layer, families))]
        decl, gate_rule, count = layer_gate(layer, gate)
        text = (
            "facts:\n"
            + decl
            + "".join(p[0] for p in parts)
            + "recommendations:\n"
            + "".join(p[1] for p in parts)
            + "rules:\n"
            + gate_rule
            + "".join(p[2] for p in parts)
        )
        (folder / f"generated-{layer:04d}.yaml").write_text(text, encoding="utf-8")
        written += count + sum(p[3] for p in parts)
        gate = f"syn_layer_{layer}"
    return written


def _median(fn, runs: int) -> tuple[float, float, object]:
    """Median wall-clock and CPU seconds of ``runs`` calls, and the last result."""
    wall, cpu, result = [], [], None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (the median is reported)")
    parser.add_argument("--no-write", action="store_true", help="print only; do not update bench/RESULTS.md")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            folder = Path(tmp) / f"rules-{size}"
            generate(folder, size)
            load_s, load_cpu, kb = _median(lambda f=folder: load_knowledge([f]), args.runs)
            lint_s, lint_cpu, report = _median(lambda f=folder: lint([f]), args.runs)
            rows.append((size, len(kb.rules), len(kb.files), load_s, load_cpu, lint_s, lint_cpu, len(report.findings)))
            print(
                f"{size:>6} generated, {len(kb.rules)} rules in {len(kb.files)} files: load {load_s:.2f} s "
                f"(CPU {load_cpu:.2f} s), lint {lint_s:.2f} s (CPU {lint_cpu:.2f} s), "
                f"{len(report.findings)} findings",
                flush=True,
            )
    if not args.no_write:
        write_results(rows, args)
    return 0


def write_results(rows: list[tuple], args: argparse.Namespace) -> None:
    command = "python bench/lint_bench.py" + (
        "" if args.sizes == [500, 5000] else " --sizes " + " ".join(map(str, args.sizes))
    )
    command += "" if args.runs == 5 else f" --runs {args.runs}"
    lines = [
        "## Lint",
        "",
        f"Command: `{command}` (median of {args.runs} runs; lint includes loading).",
        "",
        f"Machine: {platform.machine()}, {platform.system()}, Python {platform.python_version()}.",
        "",
        f"Load average when it finished: {', '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs).",
        "",
        "| generated rules | rules loaded (with built-in) | files | load (s) | load CPU (s) | lint (s) "
        "| lint CPU (s) | findings |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {s} | {n} | {f} | {lo:.2f} | {loc:.2f} | {li:.2f} | {lic:.2f} | {fi} |"
        for s, n, f, lo, loc, li, lic, fi in rows
    ]
    lines += [
        "",
        "Target: lint of 5,000 rules in under 10 s on this machine. Wall-clock times grow when other "
        "processes share the CPUs; the CPU times do not.",
        "",
    ]
    section = "\n".join(lines)
    path = Path(__file__).parent / "RESULTS.md"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if "## Lint\n" in old:
        new = re.sub(r"## Lint\n.*?(?=\n## |\Z)", section.rstrip("\n") + "\n", old, flags=re.S)
    else:
        new = old.rstrip("\n") + "\n\n" + section
    path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
