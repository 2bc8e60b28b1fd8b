"""The hotline and caseworker desk: one screen to find a service for a caller, compare, refer
from a result, look a referral up by its code, and count the call.

Invariants: the search goes through services.search (params → places → query → results), so
the desk finds exactly what the public search finds and ranks it again only within the page it
was given; what staff see beyond a public card comes from services.search.staff after asking
accounts.permissions, per location. The caller's words and place travel in POST bodies and the
member's session, never in a URL; a refer link carries only a service id and need/language
codes. A code look-up answers the same for a code that exists elsewhere and one that does not.
"""
