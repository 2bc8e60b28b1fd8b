"""Public pages. Paths are translated ("/es/buscar/", "/en/search/") so that the address reads
naturally in the visitor's language; the language switch maps one onto the other."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from services.public import views

app_name = "services"
urlpatterns = [
    path("", views.home, name="home"),
    path(_("country/<str:country>/"), views.home, name="country"),
    path(_("search/"), views.results, name="results"),
    # The token is the sealed search (services/public/tokens.py): no words in the address.
    path(_("results/<str:token>/"), views.sealed_results, name="sealed_results"),
    path(_("service/<uuid:pk>/"), views.service_detail, name="service"),
    path(_("service/<uuid:pk>/report/"), views.report_problem, name="report"),
    path(_("regions/"), views.regions, name="regions"),
    path(_("regions/<str:code>/"), views.regions, name="region"),
    path(_("regions/<str:code>/sheet/"), views.region_sheet, name="region_sheet"),
    path(_("regions/<str:code>/sheet.pdf"), views.region_sheet_pdf, name="region_sheet_pdf"),
    path(_("hotlines/"), views.hotlines, name="hotlines"),
    path(_("hotlines/<str:country>/"), views.hotlines, name="country_hotlines"),
    path(_("privacy/"), views.privacy, name="privacy"),
]
