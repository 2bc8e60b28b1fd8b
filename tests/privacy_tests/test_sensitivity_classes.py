"""Every concrete field of every project model carries a sensitivity class (tests/privacy_tests/sensitivity.py),
including modeltranslation's per-language columns and simple-history's historical models, and the
table names no field that is gone."""

from pathlib import Path

from django.apps import apps
from django.conf import settings

from tests.privacy_tests import sensitivity


def project_models() -> list:
    """Models of the apps that live in this repository (any new app is included by itself)."""
    root = Path(settings.BASE_DIR).resolve()
    found = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if root in path.parents and ".venv" not in path.parts:
            found.extend(config.get_models(include_auto_created=True))
    return found


def test_the_project_apps_are_found():
    labels = {model._meta.app_label for model in project_models()}
    assert {"services", "referrals", "accounts", "audit"} <= labels


def test_every_concrete_field_has_a_class():
    missing = [
        f"{model._meta.label}.{field.name}"
        for model in project_models()
        for field in model._meta.concrete_fields
        if sensitivity.class_of(model, field.name) not in sensitivity.CLASSES
    ]
    assert not missing, (
        "fields without a sensitivity class in tests/privacy_tests/sensitivity.py: "
        + ", ".join(missing)
    )


def test_no_entry_names_a_field_that_is_gone():
    real = {
        f"{model._meta.label}.{field.name}"
        for model in project_models()
        for field in model._meta.concrete_fields
    }
    stale = sorted(set(sensitivity.FIELD_CLASSES) - real)
    assert not stale, f"stale entries in tests/privacy_tests/sensitivity.py: {stale}"


def test_each_field_is_listed_under_one_class_only():
    seen: dict[str, str] = {}
    for model, by_class in sensitivity._MODELS.items():
        for sensitivity_class, names in by_class.items():
            assert sensitivity_class in sensitivity.CLASSES
            for name in names.split():
                key = f"{model}.{name}"
                assert key not in seen, f"{key} is both {seen[key]} and {sensitivity_class}"
                seen[key] = sensitivity_class


def test_per_language_columns_take_the_class_of_their_field():
    from services.models import Location

    for code in settings.MODELTRANSLATION_LANGUAGES:
        assert sensitivity.class_of(Location, f"description_{code}") == (
            sensitivity.CONFIDENTIAL_LOCATION
        )
        assert sensitivity.class_of(Location, f"name_{code}") == sensitivity.PUBLIC


def _probe_history_of_location() -> type:
    """A model shaped like simple-history's copy of Location, in a registry of its own."""
    from django.db import models
    from django.test.utils import isolate_apps

    from services.models import Location

    with isolate_apps("services"):

        class HistoricalLocationProbe(models.Model):  # noqa: DJ008 - never shown
            history_id = models.AutoField(primary_key=True)
            history_date = models.DateTimeField()
            history_type = models.CharField(max_length=1)
            id = models.UUIDField(db_index=True)
            name = models.CharField(max_length=300)
            point = models.CharField(max_length=100)

            class Meta:
                app_label = "services"

    HistoricalLocationProbe.instance_type = Location
    return HistoricalLocationProbe


def test_a_historical_model_takes_the_classes_of_the_model_it_copies():
    """simple-history's historical models are classed by rule. Where the listings history has
    landed, its own models are also walked by the tests above."""
    historical = [m for m in project_models() if sensitivity.history_base(m) is not None]
    probe = _probe_history_of_location()
    assert sensitivity.class_of(probe, "point") == sensitivity.CONFIDENTIAL_LOCATION
    assert sensitivity.class_of(probe, "name") == sensitivity.PUBLIC
    for model in [*historical, probe]:
        base = sensitivity.history_base(model)
        for field in model._meta.concrete_fields:
            got = sensitivity.class_of(model, field.name)
            if field.name.startswith("history_"):
                assert got == sensitivity.INTERNAL
            else:
                assert got == sensitivity.class_of(base, field.name), model._meta.label


def test_the_sensitive_classes_are_not_empty():
    assert sensitivity.listed_fields(sensitivity.CLIENT)
    assert "services.Location.point" in sensitivity.listed_fields(sensitivity.CONFIDENTIAL_LOCATION)


def test_row_rules_raise_only_public_fields_that_exist():
    for label, rule in sensitivity.ROW_RULES.items():
        model = apps.get_model(label)
        for name in rule.fields:
            assert sensitivity.class_of(model, name) == sensitivity.PUBLIC, f"{label}.{name}"


def test_a_phone_at_a_confidential_location_is_confidential_unless_it_is_the_intake_line(db):
    from services.models import Contact, Language, Phone, Schedule
    from tests.factories import LocationFactory

    shelter = LocationFactory(is_confidential=True)
    office = LocationFactory(is_confidential=False)
    hidden = Phone.objects.create(location=shelter, number="+57 1", description_es="x")
    intake = Phone.objects.create(location=shelter, number="+57 2", is_intake=True)
    ordinary = Phone.objects.create(location=office, number="+57 3")
    contact = Contact.objects.create(location=shelter, name="n")
    contact_phone = Phone.objects.create(contact=contact, number="+57 4")
    schedule = Schedule.objects.create(location=shelter, notes="n")
    open_schedule = Schedule.objects.create(location=office, notes="n")
    phone_language = Language.objects.create(phone=hidden, name="English", note="n")
    ids = sensitivity.ConfidentialIds()

    def cls(row, name):
        return sensitivity.row_class(type(row), row, name, ids)

    confidential, public = sensitivity.CONFIDENTIAL_LOCATION, sensitivity.PUBLIC
    assert cls(hidden, "number") == confidential
    assert cls(hidden, "description_es") == confidential  # per-language columns too
    assert cls(hidden, "is_intake") == public  # the rule names the fields it raises
    assert cls(intake, "number") == public
    assert cls(ordinary, "number") == public
    assert cls(contact, "email") == confidential
    assert cls(contact_phone, "number") == confidential
    assert cls(schedule, "notes") == confidential and cls(open_schedule, "notes") == public
    assert cls(phone_language, "note") == confidential
    # The history of a phone is classed like the phone.
    historical = hidden.history.model
    assert cls(hidden.history.first(), "number") == confidential
    assert sensitivity.row_class(historical, intake.history.first(), "number", ids) == public
