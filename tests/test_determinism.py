"""The same input gives the same bytes: across runs, processes, hash seeds and durable-rules sessions.

And 10,000 assessments in one process, interleaving every example, equal a fresh process's output.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cxm.cli.render import to_json
from cxm.engine.runtime import session
from cxm.facts.load import load_facts
from tests.conftest import EXAMPLES, ROOT

FILES = sorted(EXAMPLES.glob("*.yaml"))
SEEDS = ("0", "1", "4242")

# One process per hash seed prints, for every example, `assess --format json` and `--trace`.
SCRIPT = r"""
import sys
from click.testing import CliRunner
from cxm.cli.main import cli
runner = CliRunner()
for path in sys.argv[1:]:
    for extra in ([], ["--trace"]):
        result = runner.invoke(cli, ["assess", path, "--format", "json", *extra])
        assert result.exit_code == 0, result.output
        sys.stdout.write(f"=== {path} {extra}\n" + result.stdout)
"""


def outputs(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, *map(str, FILES)], capture_output=True, text=True, cwd=ROOT, env=env, timeout=600
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def fresh() -> dict[str, str]:
    return {seed: outputs(seed) for seed in SEEDS}


@pytest.mark.slow
def test_json_is_byte_identical_across_processes_and_hash_seeds(fresh) -> None:
    first = fresh[SEEDS[0]]
    assert first.count("=== ") == 2 * len(FILES)
    for seed in SEEDS[1:]:
        assert fresh[seed] == first, f"PYTHONHASHSEED={seed} changed the output"


@pytest.mark.slow
def test_json_is_byte_identical_across_sessions_in_one_process(engine, fresh) -> None:
    chunks = fresh[SEEDS[0]].split("=== ")[1:]
    expected = {}
    for chunk in chunks:
        header, _, body = chunk.partition("\n")
        expected[header] = body
    for round_ in range(3):
        for path in FILES if round_ % 2 == 0 else list(reversed(FILES)):
            loaded = load_facts(path)
            for trace in (False, True):
                header = f"{path} {['--trace'] if trace else []}"
                assert to_json(engine.assess(loaded, trace=trace, path=True), trace=trace) == expected[header], header


def _fresh_json(path: Path) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "cxm.cli", "assess", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.slow
def test_ten_thousand_interleaved_assessments_match_fresh_processes(engine) -> None:
    fresh = {path: _fresh_json(path) for path in FILES}
    loaded = {path: load_facts(path) for path in FILES}
    order = [FILES[(i * 7 + i // len(FILES)) % len(FILES)] for i in range(10_000)]  # interleaved, not round-robin
    for i, path in enumerate(order):
        assert to_json(engine.assess(loaded[path], path=True)) == fresh[path], f"assessment {i} of {path.name} differs"
    assert session._RUNS == {}
