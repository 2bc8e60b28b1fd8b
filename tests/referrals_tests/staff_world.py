"""The cast of the staff page and API tests: organisation A refers, organisation B receives.
Both are verified partners; each has one member per role."""

from dataclasses import dataclass

import pytest
from django.utils import timezone

from services.models import Organization, Phone, Service
from tests.factories import OrganizationFactory, ServiceFactory, member

CANARY = "Canario Zafiro-4417"
ROLES = ("caseworker", "hotline", "intake", "org_admin")


@dataclass
class World:
    a: Organization
    b: Organization
    service_b: Service
    service_a: Service
    users: dict  # "caseworker-a", "intake-b", ...

    def __getitem__(self, name: str):
        return self.users[name]


@pytest.fixture(name="world")
def world_fixture(db) -> World:
    a = OrganizationFactory(name="Fundación Remitente A", is_verified_partner=True)
    b = OrganizationFactory(name="Albergue Receptor B", is_verified_partner=True)
    service_b = ServiceFactory(
        organization=b, name="Casa Refugio B", name_es="Casa Refugio B", name_en="Refuge House B"
    )
    service_b.last_verified_at = timezone.now()
    service_b.save()
    Phone.objects.create(service=service_b, number="+57 601 222 3333")
    service_a = ServiceFactory(organization=a, name="Orientación A", name_es="Orientación A")
    users = {}
    for label, org in (("a", a), ("b", b)):
        for role in ROLES:
            users[f"{role}-{label}"] = member(f"{role}-{label}", org, role)
    return World(a=a, b=b, service_b=service_b, service_a=service_a, users=users)


def referral_form(world: World, *, contact: bool = True, key: str | None = None) -> dict:
    import uuid

    data = {
        "organization": str(world.a.pk),
        "urgency": "soon",
        "client_language": "es",
        "age_band": "26_40",
        "gender": "woman",
        "consent_method": "verbal",
        "shares_needs": "on",
        "client_agrees": "on",
        "script_language": "es",
        "idempotency_key": key or str(uuid.uuid4()),
        "contact_name": CANARY,
        "contact_phone": "+57 300 555 4417",
        "safe_times": "tardes",
        "note": "nota-zafiro-4417",
    }
    if contact:
        data.update(shares_contact="on", contact_channel="phone")
    return data


def client_for_world(world: World, name: str):
    from django.test import Client

    from tests.factories import sign_in

    return sign_in(Client(), world[name])
