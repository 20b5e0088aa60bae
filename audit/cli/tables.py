"""Listings for people and for machines: tables that never cut an identifier, and JSON.

Run ids, check ids, slugs, pixel ids and report paths are what people copy into the next
command (``diff``, ``mute:``, a browser), so a table keeps them whole: the other columns
wrap, and when even that does not fit the terminal (or the 80 columns of a cron mail) the
listing falls back to one record per block. Column widths are computed here rather than
left to rich, whose last resort when a table is too wide is to shorten every column,
identifiers included.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import click
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from audit.cli.common import stdout
from audit.files import strict_dumps
from audit.redact import redact

# Per column: one space of padding each side and one border; one more border at the edge.
_PER_COLUMN = 3
_MIN_WRAPPED = 10


def echo_json(data: Any) -> None:
    """Print ``data`` as indented JSON on stdout (the ``--json`` of every listing)."""
    click.echo(strict_dumps(data, indent=2, ensure_ascii=False, default=str))


def _natural(values: Sequence[str]) -> int:
    return max((cell_len(line) for v in values for line in v.splitlines() or [""]),
               default=0)


def layout(headers: Sequence[str], rows: Sequence[Sequence[str]], ids: Collection[str],
           width: int) -> list[int] | None:
    """Column widths that keep every identifier whole within ``width``, or None."""
    natural = [max(_natural([h]), _natural([r[i] for r in rows]), 1)
               for i, h in enumerate(headers)]
    available = width - _PER_COLUMN * len(headers) - 1
    fixed = sum(w for w, h in zip(natural, headers, strict=True) if h in ids)
    others = [i for i, h in enumerate(headers) if h not in ids]
    room = available - fixed
    if sum(natural[i] for i in others) <= room:
        return natural
    minimum = {i: min(natural[i], max(_MIN_WRAPPED, cell_len(headers[i]))) for i in others}
    if sum(minimum.values()) > room:
        return None
    widths = list(natural)
    for i in others:
        widths[i] = minimum[i]
    spare = room - sum(minimum.values())
    wanted = sum(natural[i] - minimum[i] for i in others)
    for i in others:  # share what is left in proportion to what each column still wants
        extra = (natural[i] - minimum[i]) * spare // wanted if wanted else 0
        widths[i] += extra
    return widths


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *,
                ids: Collection[str] = (), title: str | None = None,
                right: Collection[str] = (), console: Console | None = None) -> None:
    """A table whose ``ids`` columns are never cut; one record per block when too narrow."""
    console = console or stdout()
    widths = layout(headers, rows, ids, console.width)
    if widths is None:
        print_records(headers, rows, title=title)
        return
    table = Table(title=title, title_justify="left")
    for header, width in zip(headers, widths, strict=True):
        table.add_column(header, width=width, no_wrap=header in ids,
                         overflow="fold", justify="right" if header in right else "left")
    for row in rows:
        # Values are data, never rich markup; scrubbed while whole (a wrapped cell would cut
        # a token in two where the output stream's redaction cannot recognise it).
        table.add_row(*(Text(redact(v)) for v in row))
    console.print(table)


def print_records(headers: Sequence[str], rows: Sequence[Sequence[str]], *,
                  title: str | None = None) -> None:
    """One ``header: value`` line per field, a blank line between records; never wrapped."""
    if title:
        click.echo(title)
    for row in rows:
        for header, value in zip(headers, row, strict=True):
            click.echo(f"  {header}: {value}" if "\n" not in value else
                       f"  {header}: " + value.replace("\n", "\n    "))
        click.echo("")
