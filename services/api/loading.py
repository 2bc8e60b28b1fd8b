"""What the API loads with the objects it shows, in as few queries as the nesting allows.

A confidential location's addresses are never loaded at all (the prefetch filters them out), and
its exact point is deferred; what else the public may see of the loaded rows is decided by
services/visibility.py.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, prefetch_related_objects

from services.models import Address, Location, Organization, Service


def public_addresses() -> Prefetch:
    # Never even load a confidential location's addresses.
    return Prefetch("addresses", queryset=Address.objects.filter(location__is_confidential=False))


LOCATION_RELATIONS = (
    "region",
    "phones__languages",
    "schedules",
    "languages",
    "accessibility",
    "contacts__phones__languages",
)


def location_prefetches(prefix: str) -> list[Any]:
    return [
        Prefetch(f"{prefix}addresses", queryset=public_addresses().queryset),
        *(f"{prefix}{relation}" for relation in LOCATION_RELATIONS),
    ]


def prefetch_full_services(services: list[Service]) -> None:
    prefetch_related_objects(
        services,
        "program",
        "phones__languages",
        "schedules",
        "service_areas__region",
        "languages",
        "funding",
        "cost_options",
        "required_documents",
        "contacts__phones__languages",
        "service_at_locations__contacts__phones__languages",
        "service_at_locations__phones__languages",
        "service_at_locations__schedules",
        *location_prefetches("service_at_locations__location__"),
    )


def organization_queryset() -> Any:
    return Organization.objects.all()


def prefetch_organizations(organizations: list[Organization]) -> None:
    prefetch_related_objects(
        organizations,
        "funding",
        "contacts__phones__languages",
        "phones__languages",
        "programs",
        "organization_identifiers",
        Prefetch("locations", queryset=Location.objects.defer("point")),
        *location_prefetches("locations__"),
    )
