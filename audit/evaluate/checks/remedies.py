"""Remediation texts shared by several checks: click paths in Business Settings.

Written the way the seed article gives them, with the ids a person has to type.
"""

from __future__ import annotations

SETTINGS_URL = "https://business.facebook.com/settings"
EVENTS_MANAGER_URL = "https://business.facebook.com/events_manager2"


def assign_pixel_partner(client_name: str, client_business_id: str, pixel_label: str,
                         agency_name: str, agency_id: str, tasks: list[str]) -> str:
    """How the client shares a pixel with the agency."""
    wanted = ", ".join(tasks) if tasks else "the access the agency needs"
    return (
        f"In {client_name}'s Business Settings ({SETTINGS_URL}?business_id={client_business_id}): "
        f"Data sources → Pixels (shown as Datasets in newer Business Manager) → select "
        f"{pixel_label} → Partners → Assign partner → \"Business ID\" → enter {agency_id} "
        f"({agency_name}) → grant {wanted} → Assign. Only an admin of {client_name}'s "
        "business can do this."
    )


def assign_system_user(pixel_label: str, agency_name: str) -> str:
    """How the agency gives its audit system user the pixel."""
    return (
        f"In {agency_name}'s Business Settings ({SETTINGS_URL}): Users → System users → "
        f"select the audit system user → Assign assets → Pixels (Datasets) → {pixel_label} → "
        "turn on the tasks it needs → Save changes."
    )
