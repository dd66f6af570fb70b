"""Before and after, in one run: the same measures for several installations of cx-maturity, interleaved.

    python bench/versus.py before=/tmp/before/.venv/bin/python after=.venv/bin/python [--runs 7]

For each installation (``LABEL=PYTHON``, each a virtual environment with cx-maturity and clipspy): the cold
start of ``cxm assess`` (the example with and without its shortest path; the worst of 2,000 generated
companies) against the import floor, in CPU time (medians of ``--runs`` fresh processes, taken in turn) and in
instructions (valgrind); and per company, cxm's lean result against CLIPS's (``bench/compare.py``: CPU time;
instructions of the lean result). Prints one JSON object per installation, then a markdown table.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if not __package__:
    sys.path.insert(0, str(ROOT))

from bench import peers  # noqa: E402
from bench.run import EXAMPLE, FLOOR, _env  # noqa: E402


def commands(python: str, worst: Path) -> dict[str, list[str]]:
    cxm = (
        [python, "-m", "cxm.cli.main"]
        if not (Path(python).parent / "cxm").exists()
        else [python, str(Path(python).parent / "cxm")]
    )
    return {
        "floor": [python, "-c", FLOOR],
        "no_path": [*cxm, "assess", str(EXAMPLE), "--no-path"],
        "assess": [*cxm, "assess", str(EXAMPLE)],
        "worst": [*cxm, "assess", str(worst)],
    }


def cpu_of(cmd: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT, env=_env())
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def counted(cmd: list[str]) -> int:
    """Instructions a command executes (valgrind's cachegrind, no cache model)."""
    import re

    done = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", *cmd],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_env(),
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if done.returncode or not found:
        raise RuntimeError(f"valgrind of {cmd} failed: {done.stderr[-500:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("installs", nargs="+", help="LABEL=PYTHON")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--worst", type=Path, help="the worst generated company's facts file (found if not given)")
    args = parser.parse_args()
    installs = dict(x.split("=", 1) for x in args.installs)
    out: dict[str, dict[str, float]] = {k: {} for k in installs}
    with tempfile.TemporaryDirectory(prefix="cxm-versus-") as tmp:
        if args.worst:
            worst, runs = args.worst, "?"
        else:
            worst, runs, _ = peers.worst_company(2000, Path(tmp))
        cmds = {k: commands(p, worst) for k, p in installs.items()}
        for k in installs:  # warm the caches
            for cmd in cmds[k].values():
                cpu_of(cmd)
        cpu: dict[str, dict[str, list[float]]] = {k: {n: [] for n in cmds[k]} for k in installs}
        for _ in range(args.runs):
            for k in installs:
                for n, cmd in cmds[k].items():
                    cpu[k][n].append(cpu_of(cmd))
        for k in installs:
            out[k].update({f"{n}_cpu_ms": statistics.median(v) * 1e3 for n, v in cpu[k].items()})
            out[k].update({f"{n}_minstr": counted(cmd) / 1e6 for n, cmd in cmds[k].items()})
            env = _env()
            per = json.loads(
                subprocess.run(
                    [installs[k], str(HERE / "compare.py"), "--rounds", "5"],
                    check=True,
                    capture_output=True,
                    text=True,
                    cwd=ROOT,
                    env=env,
                ).stdout.splitlines()[-1]
            )
            out[k].update({f"{w}_us": per[f"{w}_us"] for w in ("lean", "floor", "clips", "assess")})
            base = counted([installs[k], str(HERE / "compare.py"), "--mode", "none"])
            lean = counted([installs[k], str(HERE / "compare.py"), "--mode", "lean", "--rounds", "2"])
            out[k]["lean_minstr"] = (lean - base) / 36 / 1e6
            print(json.dumps({k: out[k]}), flush=True)
    print(f"\nworst generated company: {runs} shortest-path runs\n")
    print("| measure | " + " | ".join(installs) + " |")
    print("|---|" + "---|" * len(installs))
    for n in ("no_path", "assess", "worst"):
        print(
            f"| cold `{n}` / floor, CPU | "
            + " | ".join(f"{out[k][f'{n}_cpu_ms'] / out[k]['floor_cpu_ms']:.2f}×" for k in installs)
            + " |"
        )
        print(
            f"| cold `{n}` / floor, instructions | "
            + " | ".join(
                f"{out[k][f'{n}_minstr'] / out[k]['floor_minstr']:.2f}× ({out[k][f'{n}_minstr']:.0f} M)"
                for k in installs
            )
            + " |"
        )
    print(
        "| lean / CLIPS per company, CPU | "
        + " | ".join(f"{out[k]['lean_us'] / out[k]['clips_us']:.2f}× ({out[k]['lean_us']:.0f} µs)" for k in installs)
        + " |"
    )
    print(
        "| lean / floor per company, CPU | "
        + " | ".join(f"{out[k]['lean_us'] / out[k]['floor_us']:.2f}×" for k in installs)
        + " |"
    )
    print("| lean per company, instructions | " + " | ".join(f"{out[k]['lean_minstr']:.2f} M" for k in installs) + " |")


if __name__ == "__main__":
    main()
