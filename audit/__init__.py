"""ios14-audit: iOS 14 measurement readiness audits for Meta Business Managers.

Data flows config → collect (Graph API through the official SDK) → snapshot →
pure checks and recommenders → run.json → HTML/CSV, with history beside it.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
