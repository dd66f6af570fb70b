"""The README's console samples are real: each `$ cxm ...` is run and its output compared with the sample.

In a sample, a line that is only ``...`` stands for any number of lines left out, and ``...`` inside a
line for any text left out; every other line must match the real output exactly, in order.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from cxm.cli.main import cli
from tests.conftest import ROOT

README = ROOT / "README.md"


def samples(text: str) -> list[tuple[int, str, list[str]]]:
    """(line number, command, expected output lines) of every ``$ cxm`` in the console blocks."""
    out: list[tuple[int, str, list[str]]] = []
    inside = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            inside = line.strip() == "```console"
            continue
        if not inside:
            continue
        if line.startswith("$ "):
            out.append((number, line[2:], []))
        elif out:
            out[-1][2].append(line)
    for _, _, expected in out:
        while expected and not expected[-1].strip():
            expected.pop()
    return out


def _pattern(line: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in line.rstrip().split("...")) + r"\Z")


def matches(expected: list[str], actual: list[str]) -> str | None:
    """None when ``actual`` fits ``expected``, else the first expected line that could not be matched."""

    def fit(i: int, j: int) -> bool:
        if i == len(expected):
            return j == len(actual)
        if expected[i].strip() == "...":
            return any(fit(i + 1, k) for k in range(j, len(actual) + 1))
        return j < len(actual) and bool(_pattern(expected[i]).match(actual[j].rstrip())) and fit(i + 1, j + 1)

    if fit(0, 0):
        return None
    for i, line in enumerate(expected):  # name the first line that appears nowhere in the output
        if line.strip() != "..." and not any(_pattern(line).match(a.rstrip()) for a in actual):
            return f"sample line {i + 1} not in the output: {line!r}"
    return "the sample's lines are all in the output, but not in this order"


SAMPLES = samples(README.read_text(encoding="utf-8"))


def test_the_readme_has_console_samples() -> None:
    assert [cmd.split()[1] for _, cmd, _ in SAMPLES][:4] == ["assess", "why", "why-not", "what-if"]


@pytest.mark.parametrize(("line", "command", "expected"), SAMPLES, ids=[f"README:{n}" for n, _, _ in SAMPLES])
def test_console_sample_matches_real_output(
    runner, monkeypatch, tmp_path, line: int, command: str, expected: list[str]
) -> None:
    monkeypatch.chdir(ROOT)
    args = shlex.split(command)
    assert args[0] == "cxm"
    typed = None
    if "<" in args:  # typed answers from a file (the interview): run in a fresh folder, where it writes its file
        at = args.index("<")
        typed = (ROOT / args[at + 1]).read_text(encoding="utf-8")
        args = args[:at]
        monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, args[1:], input=typed)
    assert result.exit_code == 0, result.output
    problem = matches(expected, result.stdout.splitlines())
    assert problem is None, f"README.md:{line}: {command}: {problem}"


def test_the_matcher_can_fail() -> None:
    assert matches(["a", "...", "c"], ["a", "b", "b", "c"]) is None
    assert matches(["a ... z"], ["a to z"]) is None
    assert matches(["a", "c"], ["a", "b", "c"]) == "the sample's lines are all in the output, but not in this order"
    assert matches(["a", "x"], ["a", "b"]) == "sample line 2 not in the output: 'x'"


def test_samples_are_read_from_console_blocks_only(tmp_path: Path) -> None:
    text = "```sh\n$ cxm nope\n```\n```console\n$ cxm assess f\nline\n\n```\n"
    assert samples(text) == [(5, "cxm assess f", ["line"])]
