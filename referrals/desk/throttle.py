"""The per-member throttle of referral-code look-ups.

Invariants: every look-up that reaches the code check is counted before it is answered; past
LOOKUP_LIMIT in one slot of LOOKUP_WINDOW seconds the member is refused until the next slot.
The count lives in PostgreSQL (CodeLookupCount), not in the fail-soft Redis cache: a cache that
answers "nothing counted" while Redis is down would let anyone walk the code space exactly when
nobody watches, and the look-up needs the database to answer anyway. One upsert per look-up
keeps it exact with two requests at once.
"""

from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from referrals.models import CodeLookupCount

# Code look-ups per member in LOOKUP_WINDOW seconds: enough for a busy shift, far too few to
# walk the code space.
LOOKUP_LIMIT = 30
LOOKUP_WINDOW = 600
# One statement, so two look-ups at once both count.
_COUNT = (
    "INSERT INTO referrals_codelookupcount (user_id, slot, count) VALUES (%s, %s, 1) "
    "ON CONFLICT (user_id, slot) DO UPDATE SET count = referrals_codelookupcount.count + 1 "
    "RETURNING count"
)


def over_limit(user: Any) -> bool:
    """Count this look-up; True when it is past the member's allowance in this slot."""
    slot = int(timezone.now().timestamp()) // LOOKUP_WINDOW
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_COUNT, [user.pk, slot])
        count = cursor.fetchone()[0]
        CodeLookupCount.objects.filter(user_id=user.pk, slot__lt=slot).delete()
    return count > LOOKUP_LIMIT
