"""Each page, with its stylesheet and script, weighs under 50 KB as sent (compressed), measured
on the demo directory with a full page of results."""

import gzip
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db.models import Count
from django.db.models.functions import Length

from services.models import Service
from tests.public_tests.demo import demo_directory

BUDGET = 50 * 1024
REPORT = Path(__file__).resolve().parents[2] / "test-artifacts" / "page-weights.txt"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with demo_directory(django_db_blocker):
        yield


def static_gzipped(name: str) -> int:
    # WhiteNoise's CompressedManifestStaticFilesStorage serves the gzip -9 copy (or a smaller
    # Brotli one) to browsers that accept it.
    return len(gzip.compress(Path(finders.find(name)).read_bytes(), compresslevel=9))


def html_transferred(client, url: str) -> tuple[int, int]:
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br", follow=True)
    assert response.status_code == 200, url
    assert response["Content-Encoding"] == "gzip", url
    return len(response.content), len(gzip.decompress(response.content))


def heaviest_service() -> Service:
    return (
        Service.objects.published()
        .annotate(size=Length("description_es"), locations=Count("service_at_locations"))
        .order_by("-locations", "-size")
        .first()
    )


@pytest.mark.django_db
def test_every_page_type_weighs_under_50_kb_sent(client, demo):
    service = heaviest_service()
    pages = {
        "home": "/es/",
        "home with hotlines": "/es/pais/CO/",
        "results (20 per page)": "/es/buscar/?place=Bogota&radius_km=2000",
        "results with filters open": "/es/buscar/?q=albergue&free=true&place=Cucuta",
        "service": f"/es/servicio/{service.pk}/",
        "regions": "/es/regiones/CO/",
        "hotlines": "/es/lineas-de-ayuda/CO/",
        "privacy": "/es/privacidad/",
    }
    assets = static_gzipped("css/site.css") + static_gzipped("js/site.js")
    lines = [f"css+js gzipped: {assets} B"]
    over = []
    for name, url in pages.items():
        sent, raw = html_transferred(client, url)
        total = sent + assets
        lines.append(f"{name}: html {sent} B gzipped ({raw} B raw) + assets = {total} B")
        if total >= BUDGET:
            over.append((name, total))
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n")
    results_html = html_transferred(client, pages["results (20 per page)"])[1]
    assert results_html > 10_000, "the results page measured should be a full one"
    assert not over, over
