"""``ios14-audit config check``: validate a config file and show what it will audit."""

from __future__ import annotations

import os
from pathlib import Path

import click
from rich.table import Table

from audit.cli.common import config_option, load_checked_config, stdout
from audit.publish.render import branding_from_config


@click.group("config")
def config_group() -> None:
    """Work with the config file."""


@config_group.command("check")
@config_option
def check(config_path: Path) -> None:
    """Validate the config; every error names its key path and the fix.

    Also checks that the report's logo can be read, and reports which token environment
    variables are set (never their values).
    """
    config = load_checked_config(config_path)
    branding_from_config(config.report, config.agency.name)  # the logo must be usable too
    table = Table(title=f"{config.agency.name} (business {config.agency.business_id})")
    for col in ("client", "business", "ad accounts", "pixels", "domains", "aem mode",
                "language", "token variable"):
        table.add_column(col)
    for c in config.clients:
        var = config.token_env_for(c)
        state = "set" if os.environ.get(var) else "NOT SET"
        table.add_row(c.slug, c.business_id, ", ".join(c.ad_accounts) or "—",
                      ", ".join(c.pixels) or "discover", ", ".join(c.domains) or "—",
                      c.aem_mode, config.language_for(c), f"{var} ({state})")
    stdout().print(table)
    click.echo(f"{config_path}: OK ({len(config.clients)} client(s); Graph "
               f"{config.graph.api_version} at {config.graph.base_url})")
