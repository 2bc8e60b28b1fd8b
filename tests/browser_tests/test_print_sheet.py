"""A printable sheet in Chromium at phone width: it reads on a phone, prints (Chromium's own
print to PDF, through the print stylesheet), and the server's PDF of a region with 100 services
is a real PDF under 1 MB, all without a request to another host."""

from __future__ import annotations

import io

from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from tests.browser_tests.conftest import PHONE
from tests.browser_tests.staff import in_own_thread

MB = 1024 * 1024


def _region_of_100_services() -> str:
    from django.contrib.gis.geos import Point

    from services import models as m
    from services.search.index import refresh_services
    from tests.factories import LocationFactory, RegionFactory, ServiceFactory

    country = m.Region.objects.get(code="CO", level=m.Region.Level.COUNTRY)
    region = RegionFactory(
        code="CO-ZZP",
        name="Departamento de Prueba",
        level=m.Region.Level.SUBDIVISION,
        parent=country,
    )
    terms = list(m.TaxonomyTerm.objects.filter(code__in=["housing", "legal", "health", "hotline"]))
    ids = []
    for n in range(100):
        service = ServiceFactory(
            name=f"Servicio de prueba {n:03d} (demo)",
            name_es=f"Servicio de prueba {n:03d} (demo)",
            is_free=n % 2 == 0,
            no_id_required=n % 3 == 0,
        )
        term = terms[n % len(terms)]
        m.Attribute.objects.create(
            link_id=service.id, link_entity="service", link_type="service_type", taxonomy_term=term
        )
        location = LocationFactory(
            organization=service.organization,
            region=region,
            point=Point(-72.5 + n / 1000, 7.9, srid=4326),
        )
        m.ServiceAtLocation.objects.create(service=service, location=location)
        m.Phone.objects.create(service=service, number=f"+5760755501{n % 100:02d}", whatsapp=True)
        ids.append(service.pk)
    refresh_services(ids)
    return region.code


def test_a_sheet_reads_on_a_phone_prints_and_its_pdf_is_small(visit, django_db_blocker):
    with django_db_blocker.unblock():
        code = in_own_thread(_region_of_100_services)
    with translation.override("es"):
        sheet = reverse("services:region_sheet", args=[code])
        pdf_path = reverse("services:region_sheet_pdf", args=[code])
    page = visit.goto(sheet)
    assert page.locator("h1").inner_text().startswith("Dónde encontrar ayuda")
    entries = page.locator(".sheet-entry")
    assert 10 <= entries.count() <= 30
    assert page.locator(".sheet-entry svg").count() == entries.count()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    visit.screenshot("sheet-phone")

    page.emulate_media(media="print")
    assert page.locator(".sheet-tools").is_hidden()
    assert page.locator("#quick-exit").is_hidden()
    printed = page.pdf(format="A4", print_background=False)
    assert printed.startswith(b"%PDF-")

    answer = page.request.get(visit.url(pdf_path))
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    body = answer.body()
    assert body.startswith(b"%PDF-")
    assert len(body) < MB
    assert 1 <= len(PdfReader(io.BytesIO(body)).pages) <= 2
    assert "set-cookie" not in answer.headers
    assert visit.foreign_requests() == []
