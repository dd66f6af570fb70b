"""The README's command table names every command `cxm --help` lists, and every subcommand of a group, and no
other (issue 24: the table had left out portfolio, survey and rules audit)."""

from __future__ import annotations

import re

import click
import click.testing

from cxm.cli.main import cli
from tests.conftest import ROOT


def _table() -> dict[str, set[str]]:
    """The commands the table names: each top-level command with the subcommands written after it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Commands", 1)[1].split("\n\n", 2)[1]
    named: dict[str, set[str]] = {}
    for row in table.splitlines()[2:]:
        first = row.replace("\\|", "\x00").split("|")[1]
        for code in re.findall(r"`(cxm [^`]*)`", first.replace("\x00", "|")):
            words = code.split()
            subs = named.setdefault(words[1], set())
            if len(words) > 2 and words[2].islower():  # `cxm rules lint|test`, not `cxm plan NAME`, `-o FILE`
                subs.update(w for w in words[2].split("|") if not w.startswith("-"))
    return named


def _help_commands(args: list[str]) -> list[str]:
    """The commands a group's --help lists, as the user sees them."""
    out = click.testing.CliRunner().invoke(cli, [*args, "--help"], terminal_width=200).output
    block = out.split("Commands:\n", 1)[1]
    return [line.split()[0] for line in block.splitlines() if line.startswith("  ") and line.split()]


def test_the_command_table_names_every_command_of_cxm_help() -> None:
    named = _table()
    assert sorted(named) == _help_commands([])
    ctx = click.Context(cli)
    for name in named:
        command = cli.get_command(ctx, name)
        if isinstance(command, click.Group):
            assert named[name] == set(_help_commands([name])), name
        else:
            assert named[name] == set(), name  # a plain command names no subcommand


def test_the_table_sees_groups_and_plain_commands() -> None:
    """The parsing above reads what the table says (a check of the check)."""
    named = _table()
    assert named["rules"] == {"lint", "test", "list", "show", "doc", "graph", "audit"}
    assert named["plan"] == {"show", "done", "drop", "open"}
    assert named["portfolio"] == set() and named["survey"] == set()
