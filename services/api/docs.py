"""The OpenAPI description (/api/schema/) and its documentation page (/api/docs/).

The schema covers the public API only. The page is Swagger UI served from our own static files
(drf-spectacular-sidecar), its start-up script a separate file, so that it runs under our
Content-Security-Policy and asks nothing of any other site.
"""

from typing import Any

from django.urls import include, path
from django.utils.decorators import method_decorator
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from services.api.views import docs_csp

# The URLconf the schema describes: the public API alone, at its real prefix.
urlpatterns = [path("api/v1/", include("services.api.urls"))]


_ERROR = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "parameter": {"type": "string", "description": "The query parameter at fault."},
    },
    "required": ["detail"],
}
_ERROR_RESPONSES = {
    "400": "A query parameter is not valid (the message is in the request's language).",
    "404": "No such record, or not public.",
    "415": "The body is not in a media type the operation reads.",
    "429": "Too many requests from this address; see Retry-After.",
}


def _shadowing_routes(route: str, paths: dict) -> list[str]:
    """The fixed routes an `{id}` of this route can spell: `search` in /services/{id} is
    /services/search, which Django routes to its own view whatever the method."""
    segments = route.split("/")
    found = []
    for other in paths:
        if "{" in other or other == route:
            continue
        others = other.split("/")
        if len(others) == len(segments) and all(
            mine == theirs or mine.startswith("{")
            for mine, theirs in zip(segments, others, strict=True)
        ):
            found.append(other)
    return found


def _method_not_allowed(route: str, method: str, paths: dict) -> dict | None:
    """A 405 for a method of a templated route that a fixed route it shadows does not take."""
    refusing = [other for other in _shadowing_routes(route, paths) if method not in paths[other]]
    if not refusing:
        return None
    names = ", ".join(f"`{other.rsplit('/', 1)[-1]}`" for other in refusing)
    return {
        "description": (
            f"{names} is not an id here but a route of its own that takes no "
            f"{method.upper()}; `Allow` lists the methods it takes."
        ),
        "headers": {
            "Allow": {"schema": {"type": "string"}, "description": "The methods it takes."}
        },
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def document_errors(result: dict, generator: Any, request: Any, public: bool) -> dict:
    """Every operation answers 400 for a bad parameter and 429 when throttled, those with an
    id 404, those with a body 415, and an `{id}` that spells a fixed route of another method
    405: say so, so that clients (and schemathesis) expect them."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = _ERROR
    paths = result.get("paths", {})
    for route, item in paths.items():
        for method, operation in item.items():
            responses = operation.setdefault("responses", {})
            refused = _method_not_allowed(route, method, paths) if "{" in route else None
            if refused is not None:
                responses.setdefault("405", refused)
            for code, text in _ERROR_RESPONSES.items():
                if code == "404" and "{" not in route:
                    continue
                if code == "415" and "requestBody" not in operation:
                    continue
                responses.setdefault(
                    code,
                    {
                        "description": text,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
    return result


class SchemaView(SpectacularAPIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    urlconf = "services.api.docs"
    custom_settings = {
        "POSTPROCESSING_HOOKS": [
            "drf_spectacular.hooks.postprocess_schema_enums",
            "services.api.docs.document_errors",
        ]
    }


def _with_docs_csp(view: Any) -> Any:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return docs_csp(view(*args, **kwargs))

    return wrapped


@method_decorator(_with_docs_csp, name="dispatch")
class DocsView(SpectacularSwaggerSplitView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    url_name = "api-schema"


class PublicSerializerScheme(OpenApiSerializerExtension):
    """The public serializers leave out empty optional values (HSDS refuses null, an empty
    e-mail or URL), so only the fields they always send (`hsds_required`) are required in the
    description; otherwise a client validating against it would reject correct answers."""

    target_class = "services.api.serializers.PublicSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_basic_serializer(self.target, direction)
        always = set(getattr(self.target, "hsds_required", ()))
        required = [name for name in schema.get("required", []) if name in always]
        if required:
            schema["required"] = required
        else:
            schema.pop("required", None)
        return schema
