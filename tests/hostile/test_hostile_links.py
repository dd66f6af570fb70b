"""Planted links and unbounded generation (RELIABILITY.md: symlinks, rules audit): a file cxm names itself (the
batch journal and lock, the audit's worst-NN.yaml) is never written through a symbolic link, and the audit
assesses each generated profile as it is built."""

from __future__ import annotations

import os
from pathlib import Path

from cxm.cli.main import cli
from cxm.engine.authoring import audit as audits
from cxm.facts import generate
from tests.conftest import EXAMPLES

COMPANIES = EXAMPLES / "portfolio" / "companies.jsonl"
VICTIM = "precious text\n"


def _victim(tmp_path: Path, text: str = VICTIM) -> Path:
    victim = tmp_path / "victim.txt"
    victim.write_text(text, encoding="utf-8")
    return victim


def test_SL_journal_link_restart_removes_the_link_not_its_target(runner, tmp_path: Path) -> None:
    victim = _victim(tmp_path)
    out = tmp_path / "out.jsonl"
    (tmp_path / "out.jsonl.partial").symlink_to(victim)
    result = runner.invoke(cli, ["batch", str(COMPANIES), "-o", str(out), "--restart"])
    assert result.exit_code == 0, result.output
    assert victim.read_text(encoding="utf-8") == VICTIM
    assert not (tmp_path / "out.jsonl.partial").exists() and out.exists()


def test_a_journal_link_is_refused_with_resume(runner, tmp_path: Path) -> None:
    victim = _victim(tmp_path)
    journal = tmp_path / "out.jsonl.partial"
    journal.symlink_to(victim)
    result = runner.invoke(cli, ["batch", str(COMPANIES), "-o", str(tmp_path / "out.jsonl"), "--resume"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {journal} is a symbolic link; cxm batch does not follow one: remove it, or "
        "start over with --restart (which removes the link, not what it points to)\n"
    )
    assert victim.read_text(encoding="utf-8") == VICTIM and journal.is_symlink()


def test_SL_lock_link_empty_and_digits_are_left_alone(runner, tmp_path: Path) -> None:
    # CONCERN SL-lock-link-empty/-digits, decided: a lock file that is a link is not taken (an empty or numeric
    # file it points to looked like a lock and was rewritten with the PID); the run stops, nothing changed
    for text in ("", "12345\n"):
        victim = _victim(tmp_path, text)
        lock = tmp_path / "out.jsonl.lock"
        lock.unlink(missing_ok=True)
        lock.symlink_to(victim)
        result = runner.invoke(cli, ["batch", str(COMPANIES), "-o", str(tmp_path / "out.jsonl")])
        assert result.exit_code == 2
        assert result.stderr == (
            f"error: {lock} exists and is not a lock file of cxm batch; move it away or choose another OUTPUT\n"
        )
        assert victim.read_text(encoding="utf-8") == text and lock.is_symlink()
        assert not (tmp_path / "out.jsonl").exists()


def test_SL_audit_worst_link_is_replaced_not_followed(runner, tmp_path: Path, monkeypatch) -> None:
    victim = _victim(tmp_path)
    folder = tmp_path / "audit"
    folder.mkdir()
    (folder / "worst-01.yaml").symlink_to(victim)
    real = audits.check

    def flagged(kb, a, trace, **kw):  # every company "has no recommendation": the worst files are written
        found = real(kb, a, trace, **kw)
        found.no_recommendation = True
        return found

    monkeypatch.setattr(audits, "check", flagged)
    result = runner.invoke(cli, ["rules", "audit", "--profiles", "2", "-o", str(folder)])
    assert result.exit_code == 1, result.output  # 100 % of a defect is over --max 0
    assert victim.read_text(encoding="utf-8") == VICTIM
    worst = folder / "worst-01.yaml"
    assert not worst.is_symlink() and worst.read_text(encoding="utf-8").startswith("# cxm rules audit, company ")


def test_AU_profiles_are_assessed_as_they_are_built(runner, tmp_path: Path, monkeypatch) -> None:
    # 50 million profiles were all built first (9 GB, no output); now at most one is built ahead of its check
    events: list[str] = []
    built, checked = generate.profile, audits.check

    def profile(rng, n, independent=False):
        events.append("built")
        return built(rng, n, independent)

    def check(kb, a, trace, **kw):
        events.append("checked")
        return checked(kb, a, trace, **kw)

    monkeypatch.setattr(generate, "profile", profile)
    monkeypatch.setattr(audits, "check", check)
    result = runner.invoke(cli, ["rules", "audit", "--profiles", "30", "--max", "100", "-o", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    assert events.count("built") == 60  # two generated populations of 30 (one maturity per company, per section)
    ahead = 0
    for event in events:
        ahead += 1 if event == "built" else 0
        if event == "checked" and ahead:
            ahead -= 1
        assert ahead <= 1, events
    written = os.listdir(tmp_path / "a") if (tmp_path / "a").exists() else []
    assert all(name.startswith("worst-") for name in written)  # only the worst companies
