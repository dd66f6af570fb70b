"""The ``cxm`` command: assess a company's customer-experience maturity and explain it.

Every command is declared once, in :data:`COMMANDS`, and imported only when it is invoked (or listed), as
click's documentation shows for a lazily loading group: start-up stays small, and no command module imports
this one.
"""

from __future__ import annotations

import gc
import importlib

import click

# name -> (module:attribute, whether it loads a rule base: it then ends start-up itself, once the rule base
# is loaded, through cxm.cli.session.engine; for the others the group ends it before their work)
COMMANDS: dict[str, tuple[str, bool]] = {
    "assess": ("cxm.cli.assess:assess", True),
    "batch": ("cxm.cli.batch:batch", True),
    "history": ("cxm.cli.history:history", False),
    "interview": ("cxm.cli.interview:interview", False),
    "plan": ("cxm.cli.plan:plan", False),
    "portfolio": ("cxm.cli.portfolio:portfolio", True),
    "report": ("cxm.cli.report:report", True),
    "rules": ("cxm.cli.rules:rules", True),
    "schema": ("cxm.cli.assess:schema", False),
    "survey": ("cxm.cli.survey:survey", False),
    "what-if": ("cxm.cli.explain:what_if", True),
    "why": ("cxm.cli.explain:why", True),
    "why-not": ("cxm.cli.explain:why_not", True),
}


class LazyGroup(click.Group):
    """A group whose commands (:data:`COMMANDS`) are imported the first time they are asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, attribute = COMMANDS[cmd_name][0].split(":")
            command = getattr(importlib.import_module(module), attribute)
            if not isinstance(command, click.Command):  # pragma: no cover - a wrong table entry
                raise TypeError(f"{COMMANDS[cmd_name][0]} is not a click command")
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; the project's errors end it here, and only here (:func:`cxm.cli.errors.handle`)."""
        try:
            return super().invoke(ctx)
        except Exception as exc:
            from cxm.cli.errors import handle

            code = handle(exc)
            if code is None:
                raise
            raise click.exceptions.Exit(code) from None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cx-maturity", prog_name="cxm")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """cx-maturity: how mature is a company's customer experience, what to do next, and why.

    \b
    Example:
      cxm assess facts/examples/article-1-wellness-resort.yaml
      cxm assess company.yaml --format json --lang ru
    """
    # the command is imported: start-up is over, unless the command loads a rule base (it ends start-up then)
    if not COMMANDS.get(ctx.invoked_subcommand or "", ("", False))[1]:
        from cxm.cli.session import started

        started()


def main() -> None:
    """Entry point of the ``cxm`` script."""
    # Start-up creates many objects that live as long as the process (modules, the rule base) and
    # no garbage cycles; the cyclic collector would only walk them over and over (about a tenth of
    # the time of `cxm assess`). It is switched off until the rule base is loaded (see
    # cxm.cli.session.started), and what exists at exit is frozen so that the final collection skips it.
    gc.disable()
    from cxm.cli.streams import install

    install()  # complete writes or an error; no traceback for a character the terminal cannot show
    try:
        cli()
    finally:
        gc.freeze()
