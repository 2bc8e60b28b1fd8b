"""A small network for the report tests: A refers, B receives (a shelter in Norte de Santander,
Colombia), C stands aside. `refer(...)` makes a referral as it would be after its moves, with
its consent, events and times, without going through the pages."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from referrals.models import Consent, Referral, ReferralEvent, Status
from services.models import Region
from tests.factories import (
    LocationFactory,
    OrganizationFactory,
    RegionFactory,
    ServiceFactory,
    ServiceTermFactory,
    TaxonomyTermFactory,
    UserFactory,
    member,
)


class Network:
    def __init__(self) -> None:
        self.a = OrganizationFactory(name="Fundación A", is_verified_partner=True)
        self.b = OrganizationFactory(name="Albergue B", is_verified_partner=True)
        self.c = OrganizationFactory(name="Organización C", is_verified_partner=True)
        self.funder = OrganizationFactory(name="Fondo D")
        country = RegionFactory(
            code="CO", level=Region.Level.COUNTRY, name="Colombia", country_code="CO"
        )
        self.department = RegionFactory(
            code="CO-NSA",
            level=Region.Level.SUBDIVISION,
            name="Norte de Santander",
            parent=country,
            country_code="CO",
        )
        town = RegionFactory(code="CO-NSA-3685533", parent=self.department, name="Cúcuta")
        self.housing = TaxonomyTermFactory(code="housing", name_es="Alojamiento", name_en="Housing")
        self.shelter_need = TaxonomyTermFactory(
            code="emergency-shelter", parent=self.housing, name_es="Albergue", name_en="Shelter"
        )
        self.legal = TaxonomyTermFactory(
            code="legal", name_es="Asistencia jurídica", name_en="Legal aid"
        )
        self.service = ServiceFactory(organization=self.b, capacity_total=20, capacity_available=4)
        ServiceTermFactory(service=self.service, taxonomy_term=self.shelter_need)
        self.location = LocationFactory(organization=self.b, region=town)
        self.users = {}
        for name, organization, role in (
            ("steward", self.c, "steward"),
            ("observer", self.funder, "observer"),
            ("admin-a", self.a, "org_admin"),
            ("admin-b", self.b, "org_admin"),
            ("admin-c", self.c, "org_admin"),
            ("caseworker-a", self.a, "caseworker"),
            ("hotline-a", self.a, "hotline"),
            ("intake-b", self.b, "intake"),
        ):
            self.users[name] = member(name, organization, role)
        self.users["operator"] = UserFactory(username="operator", is_superuser=True, is_staff=True)
        self.users["outsider"] = UserFactory(username="outsider")

    def refer(
        self,
        *,
        sent: datetime | None = None,
        status: str = Status.SENT,
        needs: tuple = (),
        shares_needs: bool = True,
        revoked: bool = False,
        decline_reason: str = "",
        outcome: str = "",
        accepted_after: timedelta | None = None,
        connected_after: timedelta | None = None,
        referring=None,
        receiving=None,
    ) -> Referral:
        sent = sent or this_month()
        referral = Referral.objects.create(
            referring_organization=referring or self.a,
            receiving_organization=receiving or self.b,
            service=self.service,
            location=self.location,
            client_language="es",
            status=status,
            decline_reason=decline_reason,
            outcome=outcome,
        )
        referral.needs.set(needs)
        consent = Consent.objects.create(
            referral=referral,
            shares_needs=shares_needs,
            method="verbal",
            explained_language="es",
            script_version="test",
            revoked_at=sent + timedelta(days=2) if revoked else None,
        )
        times = {"sent_at": sent, "consent": consent}
        if status != Status.SENT:
            times["closed_at"] = sent + timedelta(days=3)
        Referral.objects.filter(pk=referral.pk).update(**times)
        for step, after in (
            ("sent", timedelta(0)),
            ("accepted", accepted_after),
            ("connected", connected_after),
        ):
            if after is not None:
                event = ReferralEvent.objects.create(referral=referral, to_status=step)
                ReferralEvent.objects.filter(pk=event.pk).update(at=sent + after)
        referral.refresh_from_db()
        return referral


@pytest.fixture
def network(db) -> Network:
    return Network()


def this_month() -> datetime:
    now = timezone.now()
    return datetime(now.year, now.month, 1, 12, tzinfo=UTC)
