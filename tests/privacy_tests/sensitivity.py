"""Every stored field of Enlace, by how sensitive it is (docs/security.md, the privacy model).

Read by the privacy tests only (tests/privacy_tests/): a field with no class fails the
suite, an entry naming a field that no longer exists fails it too, and the canary suite seeds a
distinctive value into every field of the two sensitive classes and looks for it everywhere.

- public: anyone may know it (the directory).
- internal: staff business (accounts, referral metadata, audit, imports); never shown to the
  public, but carries nothing that finds a person or a shelter.
- client-identifying: finds or names a client. Only the receiving intake staff, after accepting,
  with contact consent. Stored only inside the sealed handoff (and the key that opens it).
- confidential-location: public for an ordinary location; for a confidential shelter only staff
  of verified partners, stewards, operators and the shelter's own organisation may know it.
  Some public fields are confidential-location data in some rows only (ROW_RULES): a phone,
  contact, schedule, accessibility or language note at a confidential location, directly or
  through a service's link to it (a service_at_location), a phone only when it is not the
  intake line; the link's own description; the free-text value of an attribute (tag) on any
  of these. The rules themselves live with the code that applies them (services/visibility.py);
  row_class() gives a field's class in a given row by them.

Two kinds of column are classed by rule rather than listed, so that adding a language or a
history table cannot leave a hole: modeltranslation's `<field>_<lang>` columns take the class of
`<field>`, and simple-history's historical models take the classes of the model they copy (their
own `history_*` columns are internal).
"""

from __future__ import annotations

from typing import Any

from services.visibility import (  # noqa: F401 — the privacy tests read the rules from here too
    ROW_RULES,
    ConfidentialIds,
    RowRule,
    hidden_fields,
    metadata_hidden,
    public_rows,
    walk_loaded,
)

PUBLIC = "public"
INTERNAL = "internal"
CLIENT = "client-identifying"
CONFIDENTIAL_LOCATION = "confidential-location"
CLASSES = (PUBLIC, INTERNAL, CLIENT, CONFIDENTIAL_LOCATION)
SENSITIVE = (CLIENT, CONFIDENTIAL_LOCATION)

# What the sealed handoff holds (referrals/crypto.py): client-identifying, each one, though the
# database only ever sees the ciphertext.
SEALED_HANDOFF_FIELDS = ("name", "phone", "safe_times", "note")

_HSDS_RECORD = "id created_at last_modified"
_TRANSLATED_RECORD = f"{_HSDS_RECORD} content_language"

# Every field of every model is listed, by model, under its class.
_MODELS: dict[str, dict[str, str]] = {
    # --- accounts: staff, never the public ----------------------------------------------------
    "accounts.User": {
        INTERNAL: "id password last_login is_superuser username first_name last_name is_staff "
        "is_active date_joined email language",
    },
    "accounts.User_groups": {INTERNAL: "id user group"},
    "accounts.User_user_permissions": {INTERNAL: "id user permission"},
    # A member's work phone is a staff member's, never a client's: shown to the receiving side
    # of their referrals (tests/accounts_tests/test_work_phone.py).
    "accounts.Membership": {
        INTERNAL: "id user organization role is_active created_at deactivated_at "
        "role_confirmed role_granted_by role_confirmed_by role_confirmed_at work_phone"
    },
    "accounts.Invitation": {
        INTERNAL: "id organization email role token_hash invited_by created_at expires_at "
        "accepted_at accepted_by revoked_at"
    },
    # Backup codes: django-otp's device columns, and each unused code as its keyed hash.
    "accounts.BackupCodeDevice": {
        INTERNAL: "id user name confirmed throttling_failure_timestamp "
        "throttling_failure_count created_at last_used_at"
    },
    "accounts.BackupCode": {INTERNAL: "id device code_hash"},
    # API tokens of two-factor-verified staff: only hashes and fingerprints are stored.
    "accounts.ApiToken": {
        INTERNAL: "id user name scopes prefix token_hash password_fingerprint created_at "
        "last_used_at expires_at revoked_at revoked_because"
    },
    # --- audit: ids, never data ---------------------------------------------------------------
    "audit.AuditEvent": {
        INTERNAL: "id occurred_at actor_id organization_id action object_type object_id "
        "request_id details prev_hash hash key_id"
    },
    # --- referrals: metadata is internal; the client lives only in the sealed handoff ---------
    "referrals.Referral": {
        INTERNAL: "id code referring_organization referring_user service location "
        "receiving_organization urgency client_language interpreter_needed age_band gender children "
        "children_ages "
        "status decline_reason outcome version idempotency_key created_at updated_at sent_at "
        "responded_at reminded_at connected_at closed_at expires_at consent"
    },
    "referrals.Referral_needs": {INTERNAL: "id referral taxonomyterm"},
    "referrals.ReferralEvent": {
        INTERNAL: "id referral from_status to_status actor actor_organization at reason"
    },
    "referrals.Consent": {
        INTERNAL: "id referral shares_needs shares_contact contact_channel method "
        "explained_language script_version recorded_by recorded_at expires_at revoked_at "
        "revoked_by revocation_method lapsed_at"
    },
    # The wrapped key opens the client's details: as sensitive as they are.
    "referrals.HandoffKey": {INTERNAL: "id master_key_id created_at", CLIENT: "wrapped_key"},
    "referrals.ContactHandoff": {
        INTERNAL: "id referral key created_at purge_after purged_at",
        CLIENT: "ciphertext",
    },
    "referrals.Outbox": {
        INTERNAL: "id kind referral organization created_at claimed_at sent_at attempts last_error"
    },
    "referrals.ReferralCount": {
        INTERNAL: "id month referring_organization receiving_organization status outcome country "
        "region kind counted_as need count"
    },
    # A counted call: no caller, no member, nothing finer than the month.
    "referrals.CallTally": {INTERNAL: "id organization month region need language outcome"},
    # A member's look-ups in the current throttle slot: no code, no referral.
    "referrals.CodeLookupCount": {INTERNAL: "id user slot count"},
    # --- services: the public directory, except what finds a confidential shelter -------------
    "services.Organization": {
        PUBLIC: f"{_TRANSLATED_RECORD} name alternate_name description email website tax_status "
        "tax_id year_incorporated legal_status logo uri parent_organization is_verified_partner"
    },
    "services.OrganizationIdentifier": {
        PUBLIC: f"{_HSDS_RECORD} organization identifier_scheme identifier_type identifier"
    },
    "services.Program": {
        PUBLIC: f"{_TRANSLATED_RECORD} organization name alternate_name description"
    },
    "services.Funding": {PUBLIC: f"{_HSDS_RECORD} organization service source"},
    "services.Service": {
        PUBLIC: f"{_TRANSLATED_RECORD} organization program name alternate_name description url "
        "email status interpretation_services application_process fees_description wait_time "
        "fees accreditations eligibility_description minimum_age maximum_age assured_date "
        "assurer_email licenses alert populations immigration_status_not_asked no_id_required "
        "is_free open_24_7 trafficking_specialised takes_children children_max_age "
        "capacity_available capacity_total "
        "capacity_unit capacity_updated_at last_verified_at language_codes term_ids region_ids "
        "area_region_ids is_accessible time_zone last_verified_method "
        # Derived from Location.public_point and the public texts only (services/search/index.py).
        "search_points search_vector",
        # The slip's neutral name is for the client's printed slip only.
        INTERNAL: "last_verified_by slip_name",
    },
    "services.ServiceArea": {
        PUBLIC: f"{_TRANSLATED_RECORD} service name description extent extent_type uri region area"
    },
    "services.CostOption": {
        PUBLIC: f"{_TRANSLATED_RECORD} service valid_from valid_to option currency amount "
        "amount_description"
    },
    "services.RequiredDocument": {PUBLIC: f"{_TRANSLATED_RECORD} service document uri"},
    # The columns the public export blanks for a confidential location
    # (services/hsds/public_filters.py, CONFIDENTIAL_LOCATION_HIDDEN) and its exact point.
    "services.Location": {
        PUBLIC: f"{_TRANSLATED_RECORD} organization location_type name is_confidential "
        "public_point region time_zone",
        CONFIDENTIAL_LOCATION: "point url alternate_name description transportation "
        "external_identifier external_identifier_type",
    },
    # A confidential shelter's whole street address; the country is coarser than the
    # municipality the public is shown anyway.
    "services.Address": {
        PUBLIC: f"{_HSDS_RECORD} location country address_type",
        CONFIDENTIAL_LOCATION: "attention address_1 address_2 city region state_province "
        "postal_code",
    },
    "services.ServiceAtLocation": {PUBLIC: f"{_TRANSLATED_RECORD} service location description"},
    "services.Accessibility": {PUBLIC: f"{_TRANSLATED_RECORD} location description details url"},
    "services.Contact": {
        PUBLIC: f"{_HSDS_RECORD} organization service service_at_location location name title "
        "department email"
    },
    "services.Phone": {
        PUBLIC: f"{_TRANSLATED_RECORD} location service organization contact "
        "service_at_location number extension type description whatsapp is_intake"
    },
    "services.Schedule": {
        PUBLIC: f"{_TRANSLATED_RECORD} service location service_at_location valid_from valid_to "
        "dtstart timezone until count wkst freq interval byday byweekno bymonthday byyearday "
        "description opens_at closes_at schedule_link attending_type notes"
    },
    "services.Language": {PUBLIC: f"{_TRANSLATED_RECORD} service location phone name code note"},
    "services.Attribute": {
        PUBLIC: f"{_HSDS_RECORD} link_id link_type link_entity taxonomy_term value"
    },
    # Field-level history of listings: a change to a confidential location's address carries
    # the address in its old and new values.
    "services.Metadata": {
        PUBLIC: f"{_HSDS_RECORD} resource_id resource_type last_action_date last_action_type "
        "field_name source",
        INTERNAL: "updated_by import_run",
        CONFIDENTIAL_LOCATION: "previous_value replacement_value",
    },
    "services.SearchWord": {PUBLIC: "word"},
    # A copy of public service columns (services/search/rows.py); points are public points only.
    "services.SearchRow": {
        PUBLIC: "service status created_at last_verified_at last_modified organization_id "
        "is_free no_id_required immigration_status_not_asked open_24_7 is_accessible "
        "trafficking_specialised capacity_available capacity_updated_at term_ids region_ids "
        "area_region_ids language_codes populations time_zone search_points sort_es sort_en",
    },
    # Per (term, language or population, service) copies of public search-row columns.
    "services.SearchFacet": {
        PUBLIC: "facet service sort_es sort_en active fresh_at is_free no_id_required "
        "immigration_status_not_asked open_24_7 is_accessible trafficking_specialised",
    },
    # A public service's API list item as the public serializers give it, and its result card
    # as the public pages draw it (services/search/documents.py): both built after
    # visibility.prune, the card only at public points.
    "services.ServiceDocument": {
        PUBLIC: "service lang body card hours changed_at service_modified",
    },
    "services.Region": {
        PUBLIC: "id code level parent name country_code centre area population time_zone "
        "search_names"
    },
    # Public postal data (the zipcodes package): a code, its town and its centre.
    "services.PostalCode": {PUBLIC: "id country_code code name centre region"},
    "services.Taxonomy": {PUBLIC: f"{_HSDS_RECORD} name description uri version"},
    "services.TaxonomyTerm": {
        PUBLIC: f"{_HSDS_RECORD} taxonomy code name description parent language term_uri "
        "open_eligibility_code keywords"
    },
    # Upkeep of listings: who verified what, reminders, and suggested edits (anonymous visitors
    # may suggest; what they typed is for moderators only).
    "services.Verification": {INTERNAL: "id service verified_at verified_by method"},
    "services.VerificationReminder": {INTERNAL: "id user week listings created_at sent_at"},
    "services.Suggestion": {
        INTERNAL: "id service kind source phone address field_name previous_value proposed_value "
        "proposed_data suggested_by created_at status decided_by decided_at"
    },
    "services.ImportRun": {
        INTERNAL: f"{_HSDS_RECORD} source status started_by started_at finished_at total "
        "processed created updated errors"
    },
    "services.DuplicateCandidate": {
        INTERNAL: f"{_HSDS_RECORD} record_type first_id second_id score reasons decision "
        "decided_by decided_at"
    },
    "services.MergedRecord": {INTERNAL: "old_id record_type new_id merged_at merged_by"},
}


FIELD_CLASSES: dict[str, str] = {
    f"{model}.{field}": sensitivity
    for model, by_class in _MODELS.items()
    for sensitivity, names in by_class.items()
    for field in names.split()
}


def _translated_stem(model: Any, name: str) -> str | None:
    """`description` for `description_es` when modeltranslation made that column."""
    from modeltranslation.translator import NotRegistered, translator

    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return None
    for stem, columns in options.all_fields.items():
        if name in {column.name for column in columns}:
            return stem
    return None


def history_base(model: Any) -> Any:
    """The model a simple-history historical model copies, or None."""
    base = getattr(model, "instance_type", None)
    if base is None or not any(f.name == "history_id" for f in model._meta.concrete_fields):
        return None
    return base


def class_of(model: Any, name: str) -> str | None:
    """The class of `model`'s concrete field `name`, by the table above and the two rules."""
    base = history_base(model)
    if base is not None:
        if name.startswith("history_"):
            return INTERNAL
        return class_of(base, name)
    label = model._meta.label
    found = FIELD_CLASSES.get(f"{label}.{name}")
    if found is not None:
        return found
    stem = _translated_stem(model, name)
    return FIELD_CLASSES.get(f"{label}.{stem}") if stem else None


def listed_fields(*classes: str) -> list[str]:
    """ "app.Model.field" of the listed fields of `classes` (without the rule-made columns)."""
    return sorted(key for key, value in FIELD_CLASSES.items() if value in classes)


def row_class(model: Any, row: Any, name: str, ids: ConfidentialIds) -> str | None:
    """The class of `row`'s field `name`: class_of(), raised to confidential-location where a
    row rule selects the row (historical copies of such rows too)."""
    found = class_of(model, name)
    base = history_base(model) or model
    rule = ROW_RULES.get(base._meta.label)
    if rule is None or found != PUBLIC:
        return found
    stem = _translated_stem(base, name) or name
    if stem in rule.fields and rule.hidden(row, ids):
        return CONFIDENTIAL_LOCATION
    return found


def conditional_fields() -> list[str]:
    """ "app.Model.field" of every field a row rule can raise."""
    return sorted(f"{model}.{name}" for model, rule in ROW_RULES.items() for name in rule.fields)
