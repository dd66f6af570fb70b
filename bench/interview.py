"""Replay generated companies through the deciding interview (issue 27), answering each question from the company's
full facts, and compare with the full questionnaire and the full facts' assessment.

    python bench/interview.py                      # 1,000 companies, 2 processes, figures into bench/RESULTS.md
    python bench/interview.py --companies 50 --no-write

For each company: how many questions were asked; whether the stage the interview stops at equals the stage of the
full facts; whether the plan's *Now* (at the lowest end of what is left unknown) equals the full facts' plan's
*Now*, whole and its first decision. The figures replace the section "The deciding interview" of
bench/RESULTS.md (the rest of the file is left as it is; bench/run.py keeps the section).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).with_name("RESULTS.md")
HEADING = "## The deciding interview"

_engine: Any = None


def replay_one(data: dict[str, Any], depth: int = 1) -> dict[str, Any]:
    """One company through the interview: questions asked, and what agrees with the full facts."""
    global _engine
    from cxm.engine.services.api import Engine
    from cxm.engine.services.deciding_interview import replay
    from cxm.facts.load import validate
    from cxm.facts.source import parse_text
    from cxm.facts.vocabulary import flatten

    if _engine is None:
        _engine = Engine()
    loaded = validate(parse_text(json.dumps(data), "<generated>"))
    full = _engine.assess(loaded)
    d, asked = replay(_engine, flatten(loaded.data), depth=depth)
    rng = d.range(deciding=False)
    low, _ = d.plans()
    now, full_now = [s.id for s in low.plan.now], [s.id for s in full.plan.now]
    return {
        "company": data["company"]["name"],
        "asked": asked,
        "settled": rng.settled,
        "stage": rng.low.stage,
        "full_stage": full.stage.id,
        "stage_ok": rng.settled and rng.low.stage == full.stage.id,
        "now_ok": now == full_now,
        "first_ok": now[:1] == full_now[:1],
        "why": list(d.phases),
    }


def _work(args: tuple[dict[str, Any], int]) -> dict[str, Any]:
    return replay_one(*args)


def percentile(values: list[int], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def run(companies: int, seed: int, jobs: int, depth: int, log: Path | None = None) -> dict[str, Any]:
    """Replay the companies; ``log`` gets each company's row as it is done (JSON Lines), so that a run stopped
    early can still be summed up (:func:`figures`)."""
    from cxm.facts.generate import profiles

    items = [(p, depth) for p in profiles(companies, seed=seed)]
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    out = log.open("w", encoding="utf-8") if log is not None else None
    try:
        if jobs > 1:
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                for row in pool.imap(_work, items, chunksize=4):
                    rows.append(row)
                    if out is not None:
                        out.write(json.dumps(row) + "\n")
                        out.flush()
        else:
            for item in items:
                rows.append(_work(item))
                if out is not None:
                    out.write(json.dumps(rows[-1]) + "\n")
                    out.flush()
    finally:
        if out is not None:
            out.close()
    return figures(rows, seed, depth, time.perf_counter() - started)


def figures(rows: list[dict[str, Any]], seed: int, depth: int, seconds: float) -> dict[str, Any]:
    from cxm.facts.questions import questions

    companies = len(rows)
    asked = [r["asked"] for r in rows]
    full = len(questions())
    return {
        "companies": companies,
        "seed": seed,
        "depth": depth,
        "full": full,
        "rows": rows,
        "median": statistics.median(asked),
        "p90": percentile(asked, 0.9),
        "max": max(asked),
        "stage_ok": sum(r["stage_ok"] for r in rows),
        "now_ok": sum(r["now_ok"] for r in rows),
        "first_ok": sum(r["first_ok"] for r in rows),
        "seconds": seconds,
    }


def section(f: dict[str, Any], jobs: int) -> str:
    n, full = f["companies"], f["full"]
    load = os.getloadavg()[0]
    mismatched = [r for r in f["rows"] if not r["stage_ok"]]
    which = "first decision" if f["depth"] == 1 else f"first {f['depth']} decisions"
    return (
        "\n".join(
            [
                HEADING + " (issue 27)",
                "",
                f"Produced by `python bench/interview.py --companies {n} --seed {f['seed']} "
                f"--depth {f['depth']}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: "
                f"CPython {sys.version.split()[0]}, {jobs} processes, load average {load:.1f} at the end "
                "(shared machine). Each generated company is replayed through `cxm interview --deciding`, "
                "each question answered from its full facts; the interview stops once the stage and the "
                f"{which} "
                "of the plan's *Now* are settled.",
                "",
                "| measure | figure | target |",
                "|---|---|---|",
                f"| the full questionnaire (`cxm interview --all`) | {full} questions | |",
                f"| questions asked, median | {f['median']:g} "
                f"({100 * f['median'] / full:.0f} % of the full questionnaire) | ≤ 40 % — "
                f"**{'met' if f['median'] <= 0.4 * full else 'not met'}** |",
                f"| questions asked, 90th percentile | {f['p90']:g} ({100 * f['p90'] / full:.0f} %) | |",
                f"| questions asked, most | {f['max']} | |",
                f"| final stage equals the full facts' stage | {f['stage_ok']} of {n} | all — "
                f"**{'met' if f['stage_ok'] == n else 'not met'}** |",
                f"| the plan's first *Now* decision equals the full facts' | {f['first_ok']} of {n} | |",
                f"| the plan's whole *Now* equals the full facts' | {f['now_ok']} of {n} | |",
                f"| time | {f['seconds']:.0f} s ({1000 * f['seconds'] / n:.0f} ms a company, wall clock) | |",
                "",
                (
                    "Every company's stage agreed."
                    if not mismatched
                    else "Stage mismatches: " + ", ".join(r["company"] for r in mismatched[:10])
                ),
                "The whole *Now* can differ where an entry appears only for values between the ends (an entry "
                "made when one practice is in place and another is not): the two ends of the range do not show it.",
            ]
        )
        + "\n"
    )


def write(text: str) -> None:
    """Put the section in bench/RESULTS.md, in place of an earlier one (bench/run.py keeps it too)."""
    import re

    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    found = re.search(rf"{HEADING}.*?(?=\n## |\Z)", old, flags=re.S)
    head, tail = (old[: found.start()], old[found.end() :]) if found else (old.rstrip("\n") + "\n\n", "")
    new = head + text.rstrip("\n") + tail
    RESULTS.write_text(new.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--depth", type=int, default=1)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--log", type=Path, help="write each company's row here as it is done (JSON Lines)")
    parser.add_argument("--from-log", type=Path, help="sum up the rows of an earlier --log instead of replaying")
    parser.add_argument("--seconds", type=float, default=0.0, help="with --from-log: the run's wall-clock time")
    args = parser.parse_args()
    if args.from_log is not None:
        rows = [json.loads(line) for line in args.from_log.read_text(encoding="utf-8").splitlines() if line]
        found = figures(rows, args.seed, args.depth, args.seconds)
    else:
        found = run(args.companies, args.seed, args.jobs, args.depth, args.log)
    text = section(found, args.jobs)
    print(text)
    if not args.no_write:
        write(text)


if __name__ == "__main__":
    main()
