"""What a public HSDS export may show, in SQL: services/visibility.py's row rules, per table.

The same rows that ROW_RULES and ConfidentialIds hide from the pages and the API are filtered out
here (`PUBLIC_FILTERS`) or have columns blanked (`PUBLIC_BLANKED`,
`CONFIDENTIAL_LOCATION_HIDDEN`); tests/privacy_tests/test_row_rules_agree.py checks that both
select the same rows. Every fragment is constant SQL over our own table and column names.
"""

# ruff: noqa: S608 - constant SQL over our own table and column names; no value is ever put in.
from __future__ import annotations

_CONFIDENTIAL = (
    "EXISTS (SELECT 1 FROM services_location cl WHERE cl.id = {column} AND cl.is_confidential)"
)
# A service's link to a confidential location.
_CONFIDENTIAL_LINK = (
    "EXISTS (SELECT 1 FROM services_serviceatlocation cs JOIN services_location cl "
    "ON cl.id = cs.location_id WHERE cs.id = {column} AND cl.is_confidential)"
)


def _at_confidential(alias: str, *, link: bool = True) -> str:
    """Row `alias` is at a confidential location, directly or (for tables that have the column)
    through its service_at_location: visibility.at_confidential."""
    direct = _CONFIDENTIAL.format(column=f"{alias}.location_id")
    if not link:
        return direct
    return f"({direct} OR {_CONFIDENTIAL_LINK.format(column=f'{alias}.service_at_location_id')})"


# A contact there is hidden, and so are its phones.
_HIDDEN_CONTACT = (
    "EXISTS (SELECT 1 FROM services_contact hc WHERE hc.id = {column} AND "  # nosec B608 — constant SQL: a column name of ours, no value
    + _at_confidential("hc")
    + ")"
)
_PUBLIC_PHONE = (
    f"((t.is_intake OR NOT {_at_confidential('t')}) "
    f"AND NOT {_HIDDEN_CONTACT.format(column='t.contact_id')})"
)
_HIDDEN_PHONE = (
    "EXISTS (SELECT 1 FROM services_phone hp WHERE hp.id = {column} AND ((NOT hp.is_intake AND "  # nosec B608 — identifiers from model metadata (quote_name) and constant filters; values are bound parameters
    + _at_confidential("hp")
    + ") OR "
    + _HIDDEN_CONTACT.format(column="hp.contact_id")
    + "))"
)
_PUBLIC_LANGUAGE = (
    f"NOT {_at_confidential('t', link=False)} AND NOT {_HIDDEN_PHONE.format(column='t.phone_id')}"
)


def _hidden_row(table: str, column: str, condition: str) -> str:
    return f"EXISTS (SELECT 1 FROM {table} h WHERE h.id = {column} AND {condition})"  # nosec B608 — our table and column names and constant conditions, no value


def _hidden_record(column: str) -> str:
    """A record whose attributes and metadata the public may not see, by id: a confidential
    location, a link to one, and every row hidden there (visibility.ConfidentialIds.records)."""
    parts = [
        _CONFIDENTIAL.format(column=column),
        _CONFIDENTIAL_LINK.format(column=column),
        _HIDDEN_CONTACT.format(column=column),
        _HIDDEN_PHONE.format(column=column),
        _hidden_row("services_schedule", column, _at_confidential("h")),
        _hidden_row(
            "services_language",
            column,
            f"({_at_confidential('h', link=False)} OR {_HIDDEN_PHONE.format(column='h.phone_id')})",
        ),
        _hidden_row("services_accessibility", column, _at_confidential("h", link=False)),
        _hidden_row("services_address", column, _at_confidential("h", link=False)),
    ]
    return "NOT (" + " OR ".join(parts) + ")"


# Rows the public may not see, per table (public exports only).
PUBLIC_FILTERS = {
    "addresses": f"NOT {_at_confidential('t', link=False)}",
    "phones": _PUBLIC_PHONE,
    "contacts": f"NOT {_at_confidential('t')}",
    "schedules": f"NOT {_at_confidential('t')}",
    "languages": _PUBLIC_LANGUAGE,
    "accessibility": f"NOT {_at_confidential('t', link=False)}",
    "attributes": _hidden_record("t.link_id"),
    "metadata": _hidden_record("t.resource_id"),
}
# Columns (with their per-language ones) the public does not see in some rows: a service's
# link to a confidential location is public, its description is not (ROW_RULES, whole_row=False).
PUBLIC_BLANKED = {
    "service_at_locations": (("description",), _at_confidential("t", link=False)),
}
# Location columns the public never sees for a confidential location.
CONFIDENTIAL_LOCATION_HIDDEN = {
    "latitude",
    "longitude",
    "url",
    "alternate_name",
    "description",
    "transportation",
    "external_identifier",
    "external_identifier_type",
}
ALWAYS_FILTERS = {"metadata": "t.import_run_id IS NULL"}
