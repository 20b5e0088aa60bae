"""``ios14-audit checks``: list the registered checks with id, severity and title."""

from __future__ import annotations

import json

import click

from audit.cli.tables import print_table
from audit.evaluate.checks import REGISTRY


@click.command("checks")
@click.option("--json", "as_json", is_flag=True, help="Print the checks' metadata as JSON.")
def checks(as_json: bool) -> None:
    """List every check: id, severity, area and title (the good state)."""
    metas = REGISTRY.all()
    if as_json:
        click.echo(json.dumps([m.to_dict() for m in metas], indent=2))
        return
    print_table(["id", "severity", "area", "title", "parameters"],
                [[m.id, m.severity.value, m.area, m.title,
                  ", ".join(f"{k}={v}" for k, v in m.params.items()) or "—"] for m in metas],
                ids=("id",), title=f"{len(metas)} checks")
