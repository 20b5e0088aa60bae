"""``ios14-audit config check``: validate a config file and show what it will audit."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from audit.cli.common import config_option, fail, load_checked_config
from audit.cli.tables import echo_json, print_table
from audit.publish.alerts import url_problems
from audit.publish.render import branding_from_config


@click.group("config")
def config_group() -> None:
    """Work with the config file."""


@config_group.command("check")
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print what the config audits as JSON.")
def check(config_path: Path, as_json: bool) -> None:
    """Validate the config; every error names its key path and the fix.

    Also checks that the report's logo can be read and that Apprise understands the alert
    URLs, and reports which token environment variables are set (never their values, nor
    the alert URLs).
    """
    config = load_checked_config(config_path)
    branding_from_config(config.report, config.agency.name)  # the logo must be usable too
    urls = config.alerts.all_urls(os.environ)
    if urls:
        problems = url_problems(urls)
        if problems:
            fail(f"{config_path}: " + "; ".join(problems))
    clients: list[dict[str, Any]] = [
        {"client": c.slug, "business": c.business_id, "ad_accounts": c.ad_accounts,
         "pixels": c.pixels, "domains": c.domains, "aem_mode": c.aem_mode,
         "language": config.language_for(c), "token_env": config.token_env_for(c),
         "token_set": bool(os.environ.get(config.token_env_for(c)))}
        for c in config.clients]
    if as_json:
        echo_json({"config": str(config_path), "ok": True,
                   "agency": config.agency.model_dump(), "clients": clients,
                   "graph": {"base_url": config.graph.base_url,
                             "api_version": config.graph.api_version},
                   "output": {"directory": str(config.output.directory),
                              "history_db": str(config.output.history_db or
                                                config.output.directory / "history.sqlite"),
                              "keep_runs": config.output.keep_runs},
                   "alerts": {"urls": len(urls)}})
        return
    print_table(["client", "business", "ad accounts", "pixels", "domains", "aem mode",
                 "language", "token variable"],
                [[c["client"], c["business"], ", ".join(c["ad_accounts"]) or "—",
                  ", ".join(c["pixels"]) or "discover", ", ".join(c["domains"]) or "—",
                  c["aem_mode"], c["language"],
                  f"{c['token_env']} ({'set' if c['token_set'] else 'NOT SET'})"]
                 for c in clients],
                ids=("client",),
                title=f"{config.agency.name} (business {config.agency.business_id})")
    click.echo(f"{config_path}: OK ({len(config.clients)} client(s); Graph "
               f"{config.graph.api_version} at {config.graph.base_url}; output "
               f"{config.output.directory}; {len(urls)} alert URL(s))")
