"""load_demo: a fictional, marked, multi-country directory, and a second run changes nothing."""

from django.db.models import Count

from services import phones
from services.data.demo import load_demo
from services.models import Location, Organization, Phone, Service


def test_demo_directory(base) -> None:
    created = load_demo()
    assert created["service"] >= 300
    services = Service.objects.all()
    assert services.count() >= 300
    assert all(s.name_es.endswith("(demo)") for s in services)
    assert all(o.name.endswith("(demo)") for o in Organization.objects.all())
    # Fictional ranges, stored as E.164: "555 01xx" (or its country's shortened "55 01xx",
    # "5 01xx", "01xx" after a toll-free prefix) ends every number.
    assert all(phones.is_e164(p.number) and p.number[-4:-2] == "01" for p in Phone.objects.all())
    countries = (
        Location.objects.exclude(region=None).values("region__country_code").distinct().count()
    )
    assert countries >= 6
    kinds = dict(Location.objects.values_list("location_type").annotate(n=Count("id")))
    assert kinds["physical"] and kinds["virtual"]
    assert Location.objects.filter(is_confidential=True).exists()
    assert services.exclude(name_en=None).exclude(name_en="").count() == services.count()
    assert services.filter(open_24_7=True).exists()
    # Idempotent and deterministic: nothing new the second time.
    again = load_demo()
    assert {k: v for k, v in again.items() if k != "total_services"} == {
        k: 0 for k in again if k != "total_services"
    }
