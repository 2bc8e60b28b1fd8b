"""What staff see of a search hit beyond the public card: the street address of a confidential
location.

Hits leave results.py public (services/visibility.py took out what the public may not see).
This module reads the addresses of confidential locations again, for a caller that has asked
`accounts.permissions.may_view_confidential_location` about each one first; it never changes a
hit, so a public page cannot show what it returns by accident. The exact point is never read.
"""

from __future__ import annotations

import uuid

from services.models import Address


def confidential_addresses(location_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The first address of each of these confidential locations, as one line."""
    if not location_ids:
        return {}
    lines: dict[uuid.UUID, str] = {}
    rows = Address.objects.filter(
        location_id__in=location_ids, location__is_confidential=True
    ).order_by("location_id", "id")
    for address in rows:
        if address.location_id in lines:
            continue
        parts = [address.address_1, address.city, address.state_province]
        lines[address.location_id] = ", ".join(p for p in parts if p)
    return lines
