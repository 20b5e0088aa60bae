"""``ios14-audit checks``: list the registered checks with id, severity and title.

``--json`` prints their metadata; ``--markdown`` prints the reference kept in
``docs/checks.md``.
"""

from __future__ import annotations

import json

import click

from audit.cli.tables import print_table
from audit.evaluate.checks import REGISTRY
from audit.evaluate.checks.docs import REGENERATE, render_markdown


@click.command("checks")
@click.option("--json", "as_json", is_flag=True, help="Print the checks' metadata as JSON.")
@click.option("--markdown", "as_markdown", is_flag=True,
              help=f"Print the checks reference as Markdown ({REGENERATE}).")
def checks(as_json: bool, as_markdown: bool) -> None:
    """List every check: id, severity, area and title (the good state)."""
    if as_json and as_markdown:
        raise click.UsageError("choose one of --json and --markdown")
    metas = REGISTRY.all()
    if as_markdown:
        click.echo(render_markdown(), nl=False)
        return
    if as_json:
        click.echo(json.dumps([m.to_dict() for m in metas], indent=2))
        return
    print_table(["id", "severity", "area", "title", "parameters"],
                [[m.id, m.severity.value, m.area, m.title,
                  ", ".join(f"{k}={v}" for k, v in m.params.items()) or "—"] for m in metas],
                ids=("id",), title=f"{len(metas)} checks")
