"""The project's URLs plus one view that fails, to see the production 500 page."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config import urls as project


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a view failed")


urlpatterns = [path("fail/", fail), *project.urlpatterns]
handler404 = getattr(project, "handler404", "django.views.defaults.page_not_found")
