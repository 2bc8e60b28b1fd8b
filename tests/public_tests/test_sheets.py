"""The printable resource sheet: hotlines first, services by need with QR codes back to their
listings, no confidential address on paper or in the PDF, made without the network, cached until
the directory changes."""

import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from services.public import sheets
from tests.public_tests.conftest import (
    SHELTER_POINT,
    SHELTER_POSTCODE,
    SHELTER_SECRET_PHONE,
    SHELTER_STREET,
)


def _sheet(client, code: str, **params) -> str:
    response = client.get(reverse("services:region_sheet", args=[code]), params)
    assert response.status_code == 200
    return response.content.decode()


def _pdf_text(client, code: str, **params) -> tuple[bytes, str]:
    response = client.get(reverse("services:region_sheet_pdf", args=[code]), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body, "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def _secrets() -> list[str]:
    from services import phones

    return [
        SHELTER_STREET,
        SHELTER_POSTCODE,
        phones.display(SHELTER_SECRET_PHONE, "CO"),
        phones.display(SHELTER_SECRET_PHONE),
        re.sub(r"\D", "", SHELTER_SECRET_PHONE),
        f"{SHELTER_POINT.y:.3f}",
        f"{SHELTER_POINT.x:.3f}",
    ]


def test_a_country_sheet_lists_the_hotline_first_then_each_need(client, directory):
    html = _sheet(client, directory.country.code)
    hotline = html.index(directory.hotline.name_es)
    assert hotline < html.index(directory.clinic.name_es)
    assert hotline < html.index(directory.shelter.name_es)
    assert "Líneas de ayuda" in html or "Hotlines" in html
    # One QR code per service, drawn inline, pointing at our own listing.
    assert html.count("<svg") >= 3
    assert "Impreso el" in html
    assert "Verificado en" in html


def test_the_sheet_shows_no_confidential_address_in_html_or_pdf(client, directory):
    html = _sheet(client, directory.department.code)
    body, text = _pdf_text(client, directory.department.code)
    assert body.startswith(b"%PDF-")
    assert directory.shelter.name_es.split()[0] in text
    for secret in _secrets():
        assert secret not in html
        assert secret not in text
        assert secret not in text.replace(" ", "")


def test_a_sheet_for_one_need_shows_only_that_need_and_the_hotlines(client, directory):
    html = _sheet(client, directory.country.code, need="legal")
    assert directory.clinic.name_es in html
    assert directory.shelter.name_es not in html
    assert directory.hotline.name_es in html


def test_paper_sizes_a4_and_letter_both_print(client, directory):
    for paper, width in (("a4", 595), ("letter", 612)):
        body, _text = _pdf_text(client, directory.country.code, paper=paper)
        page = PdfReader(io.BytesIO(body)).pages[0]
        assert round(float(page.mediabox.width)) == width
        assert len(PdfReader(io.BytesIO(body)).pages) <= 2


def test_an_unknown_region_a_town_or_an_unknown_need_is_not_found(client, directory):
    assert client.get(reverse("services:region_sheet", args=["ZZ"])).status_code == 404
    assert (
        client.get(reverse("services:region_sheet", args=[directory.town.code])).status_code == 404
    )
    missing = client.get(reverse("services:region_sheet", args=["CO"]), {"need": "nope"})
    assert missing.status_code == 404
    # A paper size we do not know falls back to the country's own.
    assert (
        client.get(reverse("services:region_sheet", args=["CO"]), {"paper": "x"}).status_code == 200
    )


def test_the_sheet_is_cached_until_the_directory_changes(client, directory):
    first = _sheet(client, directory.country.code)
    assert directory.clinic.name_es in first
    again = _sheet(client, directory.country.code)
    assert again == first
    directory.clinic.name_es = directory.clinic.name = "Clínica Renombrada Demo"
    directory.clinic.save()
    from services.search.index import refresh_services

    refresh_services([directory.clinic.pk])
    changed = _sheet(client, directory.country.code)
    assert "Clínica Renombrada Demo" in changed


def test_the_pdf_fetches_only_our_static_files():
    css, media_type = sheets.static_file(settings.SITE_URL + settings.STATIC_URL + "css/sheet.css")
    assert b"@page" in css and media_type == "text/css"
    for url in (
        "https://fonts.googleapis.com/css?family=Roboto",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        settings.SITE_URL + settings.STATIC_URL + "../config/settings.py",
        settings.SITE_URL + "/es/",
    ):
        with pytest.raises(sheets.FetchRefused):
            sheets.static_file(url)


def test_a_sheet_with_a_remote_image_makes_no_request(directory):
    """WeasyPrint is handed a page with an outside image and stylesheet: the fetcher refuses
    both and the PDF is made all the same."""
    pdf = sheets.pdf_from_html(
        '<html><head><link rel="stylesheet" href="https://example.org/x.css"></head>'
        '<body><img src="https://example.org/a.png"><p>Hola</p></body></html>'
    )
    assert pdf.startswith(b"%PDF-")


def test_the_region_page_links_its_sheet(client, directory):
    html = client.get(reverse("services:region", args=[directory.country.code])).content.decode()
    assert reverse("services:region_sheet", args=[directory.country.code]) in html
    assert reverse("services:region_sheet_pdf", args=[directory.country.code]) in html
