import uuid

import pytest

from referrals.actions import ConsentInput, HandoffInput, ReferralInput, make_referral
from tests.factories import OrganizationFactory, ServiceFactory, member, verified

CANARY = {
    "name": "Canario Zafiro-4417",
    "phone": "+57 300 555 4417",
    "safe_times": "tardes",
    "note": "nota-zafiro-4417",
}


@pytest.fixture
def referring_org(db):
    return OrganizationFactory(name="Fundación Remitente (demo)")


@pytest.fixture
def receiving_service(db):
    return ServiceFactory(name="Albergue Receptor (demo)", name_es="Albergue Receptor (demo)")


@pytest.fixture
def caseworker(db, django_user_model):
    return django_user_model.objects.create_user("bob", "bob@example.org", "x" * 16)


@pytest.fixture
def intake(db, django_user_model):
    return django_user_model.objects.create_user("ines", "ines@example.org", "x" * 16)


def consent_with_contact() -> ConsentInput:
    return ConsentInput(
        method="verbal", explained_language="es", shares_contact=True, contact_channel="phone"
    )


@pytest.fixture
def sent_referral(referring_org, receiving_service, caseworker):
    return make_referral(
        actor=caseworker,
        organization=referring_org,
        details=ReferralInput(
            service=receiving_service, client_language="es", idempotency_key=uuid.uuid4()
        ),
        consent=consent_with_contact(),
        handoff=HandoffInput(**CANARY),
    )


@pytest.fixture
def entitled_intake(sent_referral):
    """Intake staff of the receiving organisation (a verified partner), signed in with two
    factors: the one person read_handoff lets open the contact details once accepted."""
    organization = sent_referral.receiving_organization
    organization.is_verified_partner = True
    organization.save()
    return verified(member("ines-intake", organization, "intake"))
