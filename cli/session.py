"""What a command's run shares: the package version, the engine (whose loading ends start-up), the warnings
said on stderr about the facts and the rules."""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click


def package_version() -> str:
    """The installed version of cx-maturity (looked up only when asked: it costs start-up time)."""
    from importlib import metadata

    try:
        return metadata.version("cx-maturity")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def started() -> None:
    """Start-up is over (the rule base is loaded): collect garbage again, leaving what exists alone.

    The ``cxm`` script switches the cyclic collector off before any command runs (:func:`cxm.cli.main.main`);
    the group (:class:`cxm.cli.main.LazyGroup`) ends start-up through here once the command's rule base is
    loaded (:func:`engine`), or before the command's work when it loads none."""
    if not gc.isenabled():  # switched off by `main`, not when the commands run in-process (tests)
        gc.freeze()
        gc.enable()


def warn_overrides(kb: Any) -> None:
    """Say on stderr, once per rule id, that a --rules folder replaced a built-in rule."""
    for warning in kb.warnings:
        click.echo(f"warning: {warning}", err=True)


def warn_facts(loaded: Any) -> None:
    """Say on stderr which facts of the file contradict each other (located; the assessment goes on)."""
    from cxm.cli.render import terminal_safe

    for warning in loaded.warnings:
        click.echo(terminal_safe(f"warning: {warning}"), err=True)


def engine(rules: Sequence[Path], load: Callable[[Sequence[Path]], Any] | None = None, *, quiet: bool = False) -> Any:
    """The command's engine: the built-in rules and the --rules folders (``load``: another way to make it, e.g.
    batch's warmed engine); the rules a folder replaces are said on stderr (not when ``quiet``), and start-up
    ends here."""
    if load is None:
        from cxm.engine.services.api import Engine

        load = Engine
    made = load(rules)
    if not quiet:
        warn_overrides(made.kb)
    started()
    return made


def facts_and_engine(file: Path, rules: Sequence[Path]) -> tuple[Any, Any]:
    """Read FILE's facts (their warnings said), then load the engine: the facts first, so that a bad file is
    said before any rule is loaded."""
    from cxm.engine.services.api import read_facts

    loaded = read_facts(file)
    warn_facts(loaded)
    return loaded, engine(rules)
