"""Agency branding for the reports: name, logo as a ``data:`` URI, accent colour, footer.

The only file this package reads besides the templates is the logo named in the branding
config (:func:`branding_from_config`); it is embedded so the report stays self-contained.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from audit.errors import AuditError

LOGO_MAX_BYTES = 256 * 1024
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
              ".gif": "image/gif", ".webp": "image/webp", ".svg": "image/svg+xml"}
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class BrandingError(AuditError):
    """The branding config cannot be used (logo missing, too large or not an image)."""


class _ReportSettings(Protocol):
    logo: Path | None
    accent_color: str
    footer: str | None


@dataclass(frozen=True)
class Branding:
    """How the agency brands its reports: name, logo (``data:`` URI), accent, footer."""

    agency_name: str = ""
    logo: str | None = None
    accent: str = "#1f5fbf"
    footer: str | None = None

    def __post_init__(self) -> None:
        if not _COLOUR.match(self.accent):
            raise BrandingError(f'accent colour "{self.accent}" must look like #1f5fbf')
        if self.logo is not None and not self.logo.startswith("data:image/"):
            raise BrandingError("logo must be a data:image/… URI")

    @property
    def accent_soft(self) -> str:
        """The accent mixed with 90% white, for light backgrounds."""
        mixed = (round(int(self.accent[i:i + 2], 16) * 0.1 + 255 * 0.9) for i in (1, 3, 5))
        return "#" + "".join(f"{c:02x}" for c in mixed)


def logo_data_uri(path: Path, max_bytes: int = LOGO_MAX_BYTES) -> str:
    """The image file as a ``data:`` URI (mime type from the suffix, size capped)."""
    mime = LOGO_TYPES.get(path.suffix.lower())
    if mime is None:
        raise BrandingError(f"report.logo {path}: not an image file "
                            f"({', '.join(sorted(LOGO_TYPES))})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BrandingError(f"report.logo {path}: cannot read ({exc.strerror})") from None
    if len(data) > max_bytes:
        raise BrandingError(f"report.logo {path}: {len(data):,} bytes, more than the "
                            f"{max_bytes:,} allowed in a self-contained report")
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def branding_from_config(report: _ReportSettings, agency_name: str,
                         base_dir: Path | None = None) -> Branding:
    """Branding from the config's ``report:`` section (relative logo paths from base_dir)."""
    logo = None
    if report.logo is not None:
        path = Path(report.logo)
        if base_dir is not None and not path.is_absolute():
            path = base_dir / path
        logo = logo_data_uri(path)
    return Branding(agency_name=agency_name, logo=logo, accent=report.accent_color,
                    footer=report.footer)
