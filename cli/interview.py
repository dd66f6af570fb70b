"""`cxm interview`: ask for a company's facts, question by question, and write a facts file.

The questions come from the facts schema itself (``cxm.facts.schema`` and
``cxm.facts.vocabulary.input_fields``): one per field, grouped by section, each with the field's
description as its line of help, the values of its vocabulary with their descriptions, and a
default (the schema's, or the value in the ``--from`` file). Each answer is validated as it is
given, with the schema's own constraints, and asked again with the reason when it is wrong; each
section is validated as a whole once answered (e.g. B2B and B2C shares must add up to 100). The
file written is validated with the facts loader before it is written, atomically.

``--lang ru`` asks in Russian: the interview's own words, and the field and value descriptions in
the schema's Russian (``FieldSpec.description_ru``, ``DocEnum.description_ru``). In either language
a choice is answered with the schema's value (``regional``, ``crm``) or its number.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from cxm.cli.errors import Failure
from cxm.cli.options import lang_option
from cxm.cli.questionnaire import LABELS, NO, NONE, YES, Answer, _shown, label, show_question, to_yaml  # noqa: F401
from cxm.facts.questions import (
    REQUIRED,
    Question,
    check_section,
    questions,
    suggested_default,
)


def _ask(q: Question, default: Any, lang: str, answers: dict[str, Any]) -> Any:
    show_question(q, lang)
    if default is REQUIRED:  # an empty answer reaches Answer, which says why it is asked again
        return click.prompt(q.name, default="", type=Answer(q, lang, answers, required=True), show_default=False)
    shown = _shown(q, default)
    return click.prompt(q.name, default=shown, type=Answer(q, lang, answers), show_default=True)


def run(
    start: dict[str, Any], lang: str, answers: dict[str, Any] | None = None, saved: Any = lambda answers: None
) -> dict[str, Any]:
    """Ask every question; the answers as dotted paths (``start`` gives the defaults). ``answers`` is filled in
    as they are given, and ``saved(answers)`` called after each (the draft)."""
    qs = questions()
    answers = {} if answers is None else answers
    sections = list(dict.fromkeys(q.section for q in qs))
    for section in sections:
        group = [q for q in qs if q.section == section]
        if section == "self_assessment":
            click.echo("\n" + label("section", lang, title=label("self_assessment_title", lang)))
            wanted = click.confirm(label("self_assessment", lang), default=any(q.path in start for q in group))
            if not wanted:
                continue
        defaults = {q.path: start.get(q.path, q.default) for q in group}
        while True:
            if section != "self_assessment":
                click.echo("\n" + label("section", lang, title=label(section, lang)))
            for q in group:
                default = defaults[q.path]
                suggested = suggested_default(q.path, answers)
                if suggested is not None and q.path not in start:
                    default = suggested
                answers[q.path] = _ask(q, default, lang, answers)
                saved(answers)
            problem = check_section(section, answers)
            if problem is None:
                break
            click.echo(label("section_bad", lang, reason=problem))
            defaults = {q.path: answers[q.path] for q in group}
    return answers


DRAFT = "interview-draft"


def draft_path(target: Path) -> Path:
    """Where the answers are kept while the interview runs: ``TARGET.interview-draft`` (JSON), beside the file
    to write. Neither a rules folder (``*.yaml``) nor a batch folder (``*.yaml``, ``*.json``) reads it."""
    return target.with_name(f"{target.name}.{DRAFT}")


def save_draft(draft: Path, answers: dict[str, Any]) -> None:
    """Write the answers so far (atomically; a planted link is replaced, not followed)."""
    import json

    from cxm.engine.base.atomic import write_text

    write_text(draft, json.dumps({"cxm": DRAFT, "answers": answers}, ensure_ascii=False, indent=1) + "\n", own=True)


def read_draft(draft: Path, lang: str) -> dict[str, Any]:
    """The answers of an earlier, unfinished interview (those of known questions, each valid on its own)."""
    import json

    from pydantic import TypeAdapter, ValidationError

    if not draft.is_file() or draft.is_symlink():
        return {}
    try:
        data = json.loads(draft.read_bytes()[:1_000_000])
        answers = data["answers"] if data.get("cxm") == DRAFT else None
    except (ValueError, TypeError, AttributeError, KeyError, OSError):
        answers = None
    if not isinstance(answers, dict):
        click.echo(label("bad_draft", lang, file=draft), err=True)
        return {}
    by_path = {q.path: q for q in questions()}
    kept = {}
    for path, value in answers.items():
        if path in by_path:
            try:
                TypeAdapter(by_path[path].annotation).validate_python(value)
            except ValidationError:
                continue
            kept[path] = value
    return kept


@click.command()
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The facts file to write (default: company.yaml; needed with --from). -o set to the --from "
    "file updates it, keeping its comments and layout.",
)
@click.option(
    "--from",
    "source",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Start from an existing facts file: its values become the defaults.",
)
@click.option(
    "--deciding",
    is_flag=True,
    help="Ask the deciding questions first, say why each is asked, stop once the stage and the plan's first "
    "decision are settled (offering to go on) and write what was not asked as unknown.",
)
@click.option("--all", "ask_all", is_flag=True, help="Ask every question in turn (the default).")
@lang_option("Language of the questions, their help and the descriptions of the choices.")
def interview(
    output: Path | None, source: Path | None, lang: str, deciding: bool = False, ask_all: bool = False
) -> None:
    """Ask for a company's facts, question by question, and write a facts file.

    Every field of the facts file is asked in turn, section by section, with a line of help, the
    choices of each vocabulary and a default (press Enter to keep it). A wrong answer is explained
    and asked again. The file written is checked before it is written and is ready for
    `cxm assess`. With --from, the existing file's values are the defaults; -o names the file to
    write, and when it is the --from file itself, only the changed values are written into it, its
    comments, order and layout kept.

    \b
    Example:
      cxm interview -o my-company.yaml
      cxm interview --deciding -o my-company.yaml                  # the deciding questions first
      cxm interview --from my-company.yaml -o my-company.yaml      # update it in place
      cxm interview --from facts/examples/article-1-wellness-resort.yaml -o resort-2026.yaml
    """
    from cxm.engine.base.atomic import write_text
    from cxm.facts.load import load_facts, load_facts_text
    from cxm.facts.vocabulary import flatten

    start: dict[str, Any] = {}
    if deciding and not ask_all:  # the deciding questions first (cli/interview_deciding.py)
        from cxm.cli import interview_deciding

        target = output or Path("company.yaml")
        if target.exists() and not click.confirm(label("overwrite", lang, file=target)):
            raise click.Abort
        try:
            text = interview_deciding.interview(target, lang)
        except (click.exceptions.Abort, EOFError):
            raise Failure(label("ended_deciding", lang)) from None
        load_facts_text(text, str(target))
        write_text(target, text)
        click.echo("\n" + label("written", lang, file=target))
        return
    if source is not None and output is None:
        raise click.UsageError(label("needs_output", lang, file=source))
    in_place = source is not None and output is not None and output.exists() and output.samefile(source)
    survey = None
    if source is not None:
        loaded = load_facts(source)
        start = flatten(loaded.data)
        survey = (loaded.data.get("self_assessment") or {}).get("survey")
    target = output or Path("company.yaml")
    if target.exists() and not in_place and not click.confirm(label("overwrite", lang, file=target)):
        raise click.Abort
    draft = draft_path(target)
    baseline = dict(start)
    click.echo(label("intro", lang))
    earlier = read_draft(draft, lang)
    if earlier:
        start.update(earlier)
        click.echo(label("resumed", lang, file=draft, n=len(earlier)))
    click.echo(label("draft", lang, file=draft))
    answers: dict[str, Any] = {}
    try:
        run(start, lang, answers, lambda a: save_draft(draft, a))
    except (click.exceptions.Abort, EOFError):  # end of input, Ctrl-C: nothing given is lost
        raise Failure(label("ended", lang, n=len(answers), file=draft)) from None
    if in_place:  # the file keeps its comments, its layout and its survey block: only changed answers are written
        from cxm.facts.roundtrip import changed, patch_text, update_text

        text, rest = patch_text(target.read_text(encoding="utf-8"), changed(answers, baseline))
        if rest:
            text = update_text(text, rest, {})
    else:
        ratings = [p for p in start if p.startswith("self_assessment.")]
        if survey and ratings and all(answers.get(p) == start[p] for p in ratings):
            answers["self_assessment.survey"] = survey  # `cxm survey`'s figures still describe these ratings
        text = to_yaml(answers)
    load_facts_text(text, str(target))  # every answer and section was validated: this only double-checks
    write_text(target, text)
    draft.unlink(missing_ok=True)  # the file holds every answer now
    click.echo("\n" + label("written", lang, file=target))
