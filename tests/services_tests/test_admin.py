"""The directory admin: every model has pages that render, and staff who may not see exact
positions don't get them for confidential locations."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.test import RequestFactory

from services import models as m

# The steward's admin (imports, duplicates) has its own tests.
DIRECTORY_MODELS = [
    model
    for model, model_admin in admin.site._registry.items()
    if type(model_admin).__module__ == "services.admin.directory"
]


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        "alice-admin", "alice@example.org", "a long enough password 1"
    )


@pytest.fixture
def staff(db):
    user = get_user_model().objects.create_user(
        "bob-staff", "bob@example.org", "a long enough password 2", is_staff=True
    )
    return user


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_every_directory_model_is_registered() -> None:
    for name in m.__all__:
        model = getattr(m, name)
        if isinstance(model, type) and issubclass(model, Model) and not model._meta.abstract:
            assert model in admin.site._registry, name


@pytest.mark.parametrize("model", DIRECTORY_MODELS, ids=lambda model: model.__name__)
def test_changelist_and_add_form_render(make_service, superuser, model) -> None:
    make_service("Casa", at=(7.9, -72.5), confidential=True, hours=())
    model_admin = admin.site._registry[model]
    request = _request(superuser)
    changelist = model_admin.get_changelist_instance(request)
    assert changelist.result_count >= 0
    form = model_admin.get_form(request)()
    assert form.as_p()


def test_confidential_position_only_for_superusers(make_service, superuser, staff) -> None:
    service = make_service("Casa", at=(7.9, -72.5), confidential=True)
    location = service.service_at_locations.get().location
    location_admin = admin.site._registry[m.Location]
    form_for_super = location_admin.get_form(_request(superuser), location)
    form_for_staff = location_admin.get_form(_request(staff), location)
    assert "latitude" in form_for_super.base_fields
    assert "latitude" not in form_for_staff.base_fields
    assert "point" not in form_for_staff.base_fields
    inlines = location_admin.get_inlines(_request(staff), location)
    assert all(inline.model is not m.Address for inline in inlines)
    address_admin = admin.site._registry[m.Address]
    assert not address_admin.get_queryset(_request(staff)).filter(location=location).exists()


def test_admin_form_rejects_half_a_position(make_service, superuser) -> None:
    location_admin = admin.site._registry[m.Location]
    form_class = location_admin.get_form(_request(superuser))
    form = form_class(
        data={"location_type": "physical", "latitude": "7.9", "content_language": "es"}
    )
    assert not form.is_valid()
