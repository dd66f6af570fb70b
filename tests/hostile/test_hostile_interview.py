"""The interview loses nothing (issue 26, item 6): answers are saved as they are given in a resumable draft,
the end of input says where they are, a required field says why it is asked again, and ``--from F -o F``
writes only the values that changed, every other byte of F kept."""

from __future__ import annotations

import json
from pathlib import Path

from cxm.cli.main import cli

HAND_WRITTEN = """\
# A company in Kazakhstan, written by hand.
company:
  name:    Steppe Retail      # aligned by hand
  industry: retail
  markets: {b2b: 20, b2c: 80}
  employees: 40
  geography: national
  country: Kazakhstan
  resources: {budget: low, it_capacity: low}

leadership:
  executive_sponsor: declared
"""
ENOUGH = "\n" * 300  # Enter to every question: each keeps its default


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "kz.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    return path


def test_from_f_o_f_with_no_change_leaves_the_file_byte_for_byte(runner, tmp_path: Path) -> None:
    # `industry: retail` became a list and `Kazakhstan` became `KZ`: the loader reads them so, nothing changed
    path = _file(tmp_path)
    result = runner.invoke(cli, ["interview", "--from", str(path), "-o", str(path)], input=ENOUGH)
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN


def test_from_f_o_f_writes_only_the_changed_values(runner, tmp_path: Path) -> None:
    path = _file(tmp_path)
    # name, industry (now two), b2b, b2c, employees (now 45); Enter for the rest
    answers = "\n" + "retail, finance\n" + "\n\n" + "45\n" + ENOUGH
    result = runner.invoke(cli, ["interview", "--from", str(path), "-o", str(path)], input=answers)
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == (
        HAND_WRITTEN.replace("industry: retail", "industry: [retail, finance]").replace(
            "employees: 40", "employees: 45"
        )
    )


def test_end_of_input_says_where_the_answers_are_and_they_resume(runner, tmp_path: Path) -> None:
    out = tmp_path / "acme.yaml"
    draft = tmp_path / "acme.yaml.interview-draft"
    first = runner.invoke(cli, ["interview", "-o", str(out)], input="Acme Clinics\nhealthcare\n30\n")
    assert first.exit_code == 1
    assert first.stderr == (
        f"error: the input ended; your 3 answers are saved in {draft}: run the same command "
        "again to continue from them\n"
    )
    assert "Aborted!" not in first.output and not out.exists()
    saved = json.loads(draft.read_text(encoding="utf-8"))["answers"]
    assert saved == {"company.name": "Acme Clinics", "company.industry": ["healthcare"], "company.markets.b2b": 30}
    again = runner.invoke(cli, ["interview", "-o", str(out)], input="\n" * 3 + "70\n120\n2\nno\n0\nRU\n" + ENOUGH)
    assert again.exit_code == 0, again.output
    assert f"Continuing from the draft {draft}: its 3 answers are the defaults." in again.output
    assert "name [Acme Clinics]: " in again.output and "b2b [30]: " in again.output
    assert not draft.exists()
    from cxm.facts.load import load_facts

    company = load_facts(out).data["company"]
    assert (company["name"], company["markets"]["b2b"], company["employees"]) == ("Acme Clinics", 30, 120)


def test_a_required_field_says_why_it_is_asked_again(runner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["interview", "-o", str(tmp_path / "a.yaml")], input="\n\nAcme\n")
    assert result.output.count("Error: this field has no default: an answer is required") == 2
    ru = runner.invoke(cli, ["interview", "-o", str(tmp_path / "b.yaml"), "--lang", "ru"], input="\n")
    assert "Error: у этого поля нет значения по умолчанию: нужен ответ" in ru.output


def test_a_planted_draft_link_is_replaced_not_followed(runner, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    (tmp_path / "acme.yaml.interview-draft").symlink_to(victim)
    result = runner.invoke(cli, ["interview", "-o", str(tmp_path / "acme.yaml")], input="Acme\n")
    assert result.exit_code == 1
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert json.loads((tmp_path / "acme.yaml.interview-draft").read_text(encoding="utf-8"))["answers"] == {
        "company.name": "Acme"
    }
