"""The OpenAPI description (/api/schema/) and its documentation page (/api/docs/).

The schema covers the public API only. The page is Swagger UI served from our own static files
(drf-spectacular-sidecar), its start-up script a separate file, so that it runs under our
Content-Security-Policy and asks nothing of any other site.
"""

from typing import Any

from django.urls import include, path
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from services.api.views import docs_csp

# The URLconf the schema describes: the public API alone, at its real prefix.
urlpatterns = [path("api/v1/", include("services.api.urls"))]


class SchemaView(SpectacularAPIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    urlconf = "services.api.docs"


def _with_docs_csp(view: Any) -> Any:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return docs_csp(view(*args, **kwargs))

    return wrapped


@method_decorator(_with_docs_csp, name="dispatch")
class DocsView(SpectacularSwaggerSplitView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    url_name = "api-schema"
