"""``ios14-audit alerts test``: check that the configured alert URLs reach someone."""

from __future__ import annotations

import os
from pathlib import Path

import click

from audit.cli.common import config_option, fail, load_checked_config
from audit.publish.alerts import Alert, Notifier, url_problems


@click.group("alerts")
def alerts_group() -> None:
    """Alerts sent after a run when something needs attention (config: alerts:)."""


@alerts_group.command("test")
@config_option
def test(config_path: Path) -> None:
    """Send a test message to every URL under alerts: (and alerts.urls_env).

    Exits 2 when a URL is not usable or the message could not be delivered; the URLs
    themselves are never printed (they may hold webhook tokens or passwords).
    """
    config = load_checked_config(config_path)
    notifier = Notifier.from_config(config.alerts, os.environ)
    if not notifier.urls:
        fail(f"{config_path}: alerts.urls is empty (and no alerts.urls_env value); add an "
             "Apprise URL such as json://host:port/path")
    problems = url_problems(notifier.urls)
    if problems:
        fail("; ".join(problems))
    delivery = notifier.deliver(Alert(
        f"iOS 14 audit · {config.agency.name}: test alert",
        f"This is a test from ios14-audit ({config_path.name}): alerts for "
        f"{len(config.clients)} client(s) will reach this channel.\n"))
    if delivery.failed:
        fail(f"test alert not delivered: {delivery.detail}")
    click.echo(f"test alert sent to {len(notifier.urls)} URL(s)")
