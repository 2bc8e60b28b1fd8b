"""The public HSDS 3.0 API (/api/v1/): read-only, anonymous, throttled, cacheable.

Services are found by services.search (the one query layer the pages use too); every response
is built by the public serializers, which show locations only through
services.confidential.public_location(). The plain list item is served from the documents
those serializers stored per service and language (services/search/documents.py), with the
values of the moment and of the search (distance, "open now", free places) filled in. Responses set no cookie: no authentication is read and no
session is touched.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services import visibility
from services.api import loading
from services.api import openapi as oa
from services.api import params as p
from services.api import serializers as s
from services.api.metadata import history_metadata
from services.api.throttling import AnonymousApiThrottle
from services.models import (
    Attribute,
    Location,
    MergedRecord,
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from services.search import (
    PlaceNotFound,
    SearchParamError,
    SearchTooBroad,
    documents,
    load_services,
    parse_search_params,
    search,
)

HSDS_VERSION = "3.0"


class _NoFormatSuffix(DefaultContentNegotiation):
    """HSDS uses `format` for its own purpose (json or ndjson); it never picks a renderer."""

    def select_renderer(self, request: Request, renderers: list, format_suffix: Any = None):
        renderer = renderers[0]  # JSON is all we speak
        return renderer, renderer.media_type


def _changed_at(objects: Iterable[Any]) -> Any:
    """The latest `last_modified` among the objects and everything loaded with them."""
    moments = [
        obj.__dict__["last_modified"]
        for obj in visibility.walk_loaded(objects)
        if obj.__dict__.get("last_modified") is not None
    ]
    return max(moments, default=None)


class PublicApiView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonymousApiThrottle]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = _NoFormatSuffix
    cacheable = True

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        data = self._params(request)
        self.lang = p.content_language(data, request.headers.get("Accept-Language", ""))
        # Messages follow the content language when the interface speaks it.
        if self.lang in p.interface_languages():
            translation.activate(self.lang)
        fmt = data.get("format")
        if fmt and str(fmt).strip().lower() != "json":
            raise SearchParamError("format", _("Only json is available: page through the results."))
        self.changed_objects: list[Any] = []
        # The latest change among the rows a stored-document response was stitched from.
        self.changed_at: Any = None

    def _params(self, request: Request) -> Any:
        return request.query_params

    def context(self, **extra: Any) -> dict[str, Any]:
        """Call once everything to show is loaded into `self.changed_objects`: what the public
        may not see of those rows is taken out of them here (services/visibility.py), and the
        ids it was judged by go to the serializers for what they load later (attributes)."""
        confidential = visibility.prune(self.changed_objects)
        return {
            "lang": self.lang,
            "confidential": confidential,
            "confidential_location_ids": confidential.locations,
            **extra,
        }

    def attributes_for(self, ids: Iterable[Any], confidential: set[Any]) -> dict[Any, list]:
        grouped: dict[Any, list] = {}
        ids = [i for i in ids if i not in confidential]
        if ids:
            rows = Attribute.objects.filter(link_id__in=ids).select_related(
                "taxonomy_term__taxonomy"
            )
            for row in rows:
                grouped.setdefault(row.link_id, []).append(row)
        return grouped

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, SearchParamError):
            body = {"detail": exc.message, "parameter": exc.field}
            if isinstance(exc, PlaceNotFound):
                # Close names the client can offer: send one back as place="=<code>".
                body["alternatives"] = [place.as_dict() for place in exc.suggestions]
            if isinstance(exc, SearchTooBroad):
                # Well-formed, but more than a search may cost: narrowing it will work.
                return Response(body, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        if isinstance(exc, exceptions.Throttled):
            wait = int(exc.wait or 1)
            response = Response(
                {
                    "detail": _(
                        "Too many requests from your connection. Please wait %(seconds)d "
                        "seconds and try again."
                    )
                    % {"seconds": wait},
                    "retry_after": wait,
                },
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
            response["Retry-After"] = str(wait)
            return response
        if isinstance(exc, exceptions.NotFound):
            return Response({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
        return super().handle_exception(exc)

    def finalize_response(
        self, request: Request, response: HttpResponse, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        response = super().finalize_response(request, response, *args, **kwargs)
        lang = getattr(self, "lang", None)
        if lang:
            response["Content-Language"] = lang
        patch_vary_headers(response, ("Accept-Language",))
        response["Cross-Origin-Resource-Policy"] = "cross-origin"
        if request.method not in ("GET", "HEAD") or not self.cacheable:
            response["Cache-Control"] = "no-store"
            return response
        if response.status_code != status.HTTP_200_OK or not isinstance(response, Response):
            return response
        response["Cache-Control"] = "public, max-age=60"
        response.render()
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:40])
        response["ETag"] = etag
        changed = getattr(self, "changed_at", None) or _changed_at(self.changed_objects)
        timestamp = int(changed.timestamp()) if changed is not None else None
        if timestamp is not None:
            response["Last-Modified"] = http_date(timestamp)
        return get_conditional_response(
            request, etag=etag, last_modified=timestamp, response=response
        )

    def moved(self, request: HttpRequest, record_type: str, pk: uuid.UUID, name: str) -> Any:
        """A merged record's old id: a permanent redirect to the record it became."""
        merged = MergedRecord.objects.filter(old_id=pk, record_type=record_type).first()
        if merged is None:
            raise exceptions.NotFound()
        url = reverse(f"api:{name}", kwargs={"pk": merged.new_id})
        query = request.META.get("QUERY_STRING")
        return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise exceptions.NotFound() from None


class ApiRootView(PublicApiView):
    @extend_schema(
        summary="About this API and its relationship with HSDS",
        responses=inline_serializer(
            "ApiMeta",
            {
                "version": serializers.CharField(),
                "profile": serializers.URLField(),
                "openapi_url": serializers.URLField(),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "version": HSDS_VERSION,
                "profile": request.build_absolute_uri(reverse("api-docs")),
                "openapi_url": request.build_absolute_uri(reverse("api-schema")),
            }
        )


class ServiceListView(PublicApiView):
    def _respond(self, request: Request, data: Any) -> Response:
        search_params = parse_search_params(data)
        full = p.flag(data, "full")
        minimal = p.flag(data, "minimal")
        if not full and not minimal:
            # The plain list item is stored per service and language (search/documents.py):
            # one query reads the page's documents, no model is loaded.
            result = search(search_params, lang=self.lang, load="rows")
            contents, self.changed_at = documents.page_items(result.rows, lang=self.lang)
            return Response(self._page(result, contents))
        # What is loaded follows what the response shows (services/search/results.py, LOADS).
        result = search(search_params, lang=self.lang, load="full" if full else "api")
        services = [hit.service for hit in result.hits]
        self.changed_objects = services
        if minimal:
            contents = [
                {
                    "id": str(x.id),
                    "last_modified": serializers.DateTimeField().to_representation(x.last_modified),
                }
                for x in services
            ]
        else:
            loading.prefetch_full_services(services)
            context = self.context(
                distances={hit.service.id: hit.distance_km for hit in result.hits}
            )
            ids = [x.id for x in services] + [
                sal.id for x in services for sal in x.service_at_locations.all()
            ]
            context["attributes"] = self.attributes_for(ids, context["confidential_location_ids"])
            context["metadata"] = history_metadata([x.id for x in services])
            contents = s.ServiceDetailSerializer(services, many=True, context=context).data
        return Response(self._page(result, contents))

    @staticmethod
    def _page(result: Any, contents: Any) -> dict:
        page = p.page_wrapper(
            contents, total=result.total, page=result.page, per_page=result.per_page
        )
        if result.origin is not None:
            # The place the search was centred on, and the other readings of a typed one.
            page["origin"] = result.origin.as_dict()
            page["alternatives"] = [place.as_dict() for place in result.origin.alternatives]
        return page

    @extend_schema(
        operation_id="services_list",
        summary="Services (paginated), found by Enlace's search",
        parameters=[oa.SEARCH, oa.PAGE, oa.PER_PAGE, oa.FULL, oa.LANG, *oa.SEARCH_EXTENSIONS],
        responses=oa.page_schema("ServicePage", s.ServiceSerializer, with_place=True),
    )
    def get(self, request: Request) -> Response:
        return self._respond(request, request.query_params)


class ServiceSearchView(ServiceListView):
    """POST /services/search: the same parameters in a JSON body (HSDS 3.1's secure search), so
    that a person's situation need not travel in a URL, a log line or a browser history."""

    cacheable = False
    # POST only: a GET here would put the situation back into the URL.
    http_method_names = ["post", "options"]

    def _params(self, request: Request) -> Any:
        data = request.data
        if not isinstance(data, dict):
            raise SearchParamError("body", _("Send the parameters as a JSON object."))
        return data

    @extend_schema(
        operation_id="services_search",
        summary="Search services with the parameters in a JSON body",
        request=inline_serializer(
            "ServiceSearchBody",
            {
                "search": serializers.CharField(required=False),
                "lat": serializers.FloatField(required=False),
                "lon": serializers.FloatField(required=False),
                "radius_km": serializers.FloatField(required=False),
                "place": serializers.CharField(required=False),
                "taxonomy_term_id": serializers.ListField(
                    child=serializers.CharField(), required=False
                ),
                "page": serializers.IntegerField(required=False),
                "per_page": serializers.IntegerField(required=False),
                "lang": serializers.CharField(required=False),
            },
        ),
        responses=oa.page_schema("ServiceSearchPage", s.ServiceSerializer, with_place=True),
    )
    def post(self, request: Request) -> Response:
        return self._respond(request, self._params(request))


class ServiceDetailView(PublicApiView):
    @extend_schema(
        operation_id="services_retrieve",
        summary="One fully nested service",
        parameters=[oa.LANG],
        responses={200: s.ServiceDetailSerializer, 301: oa.MOVED},
    )
    def get(self, request: Request, pk: str) -> Any:
        key = _uuid(pk)
        if not Service.objects.published().filter(pk=key).exists():
            return self.moved(request, "service", key, "service-detail")
        service = load_services([key])[key]
        loading.prefetch_full_services([service])
        self.changed_objects = [service]
        context = self.context()
        context["attributes"] = self.attributes_for(
            [service.id, *(sal.id for sal in service.service_at_locations.all())],
            context["confidential_location_ids"],
        )
        context["metadata"] = history_metadata([service.id])
        return Response(s.ServiceDetailSerializer(service, context=context).data)


class OrganizationListView(PublicApiView):
    @extend_schema(
        operation_id="organizations_list",
        summary="Organisations (paginated)",
        parameters=[
            oa.SEARCH,
            oa.PAGE,
            oa.PER_PAGE,
            oa.FULL,
            OpenApiParameter("full_service", bool, description="With fully nested services."),
            oa.LANG,
        ],
        responses=oa.page_schema("OrganizationPage", s.OrganizationSerializer),
    )
    def get(self, request: Request) -> Response:
        data = request.query_params
        paging = p.paging(data)
        full = p.flag(data, "full")
        full_service = p.flag(data, "full_service")
        queryset = loading.organization_queryset()
        text = data.get("search", "").strip()
        if text:
            queryset = queryset.filter(Q(name__icontains=text) | Q(alternate_name__icontains=text))
        total = queryset.count()
        organizations = list(
            queryset.order_by("name", "id")[paging.offset : paging.offset + paging.per_page]
        )
        self.changed_objects = organizations
        extra: dict[str, Any] = {}
        if full or full_service:
            loading.prefetch_organizations(organizations)
            extra = self._services_of(organizations, full_service)
        context = self.context(**extra)
        if full or full_service:
            context["attributes"] = self.attributes_for(
                [o.id for o in organizations], context["confidential_location_ids"]
            )
            serializer = s.OrganizationDetailSerializer
        else:
            serializer = s.OrganizationSerializer
        contents = serializer(organizations, many=True, context=context).data
        return Response(
            p.page_wrapper(contents, total=total, page=paging.page, per_page=paging.per_page)
        )

    def _services_of(self, organizations: list[Organization], full: bool) -> dict[str, Any]:
        services = list(
            Service.objects.published()
            .filter(organization__in=organizations)
            .select_related("organization", "program")
            .prefetch_related("schedules", "service_at_locations__location__schedules")
        )
        if full:
            loading.prefetch_full_services(services)
        self.changed_objects = [*self.changed_objects, *services]
        grouped: dict[Any, list] = {}
        for service in services:
            grouped.setdefault(service.organization_id, []).append(service)
        return {"organization_services": grouped, "full_service": full}


class OrganizationDetailView(OrganizationListView):
    @extend_schema(
        operation_id="organizations_retrieve",
        summary="One fully nested organisation",
        parameters=[
            OpenApiParameter("full_service", bool, description="With fully nested services."),
            oa.LANG,
        ],
        responses={200: s.OrganizationDetailSerializer, 301: oa.MOVED},
    )
    def get(self, request: Request, pk: str) -> Any:
        key = _uuid(pk)
        organization = loading.organization_queryset().filter(pk=key).first()
        if organization is None:
            return self.moved(request, "organization", key, "organization-detail")
        full_service = p.flag(request.query_params, "full_service")
        loading.prefetch_organizations([organization])
        self.changed_objects = [organization]
        context = self.context(**self._services_of([organization], full_service))
        context["attributes"] = self.attributes_for(
            [organization.id], context["confidential_location_ids"]
        )
        return Response(s.OrganizationDetailSerializer(organization, context=context).data)


class ServiceAtLocationListView(PublicApiView):
    """Services at locations. Filters are the service search's; `page` and `per_page` count the
    services found (each one brings all its locations), so that the order and totals are the
    search's own."""

    @extend_schema(
        operation_id="service_at_locations_list",
        summary="Services at locations (paginated by service)",
        parameters=[oa.SEARCH, oa.PAGE, oa.PER_PAGE, oa.FULL, oa.LANG, *oa.SEARCH_EXTENSIONS],
        responses=oa.page_schema("ServiceAtLocationPage", s.ServiceAtLocationSerializer),
    )
    def get(self, request: Request) -> Response:
        data = request.query_params
        full = p.flag(data, "full")
        result = search(parse_search_params(data), lang=self.lang)
        services = [hit.service for hit in result.hits]
        prefetch_related_objects(
            services,
            "program",
            "service_at_locations__contacts__phones__languages",
            "service_at_locations__phones__languages",
            "service_at_locations__schedules",
            *loading.location_prefetches("service_at_locations__location__"),
        )
        sals = []
        for service in services:
            for sal in sorted(service.service_at_locations.all(), key=lambda x: str(x.id)):
                sal.service = service
                sals.append(sal)
        self.changed_objects = services
        context = self.context()
        if full:
            context["attributes"] = self.attributes_for(
                [x.id for x in sals], context["confidential_location_ids"]
            )
        serializer = s.ServiceAtLocationDetailSerializer if full else s.ServiceAtLocationSerializer
        contents = serializer(sals, many=True, context=context).data
        return Response(self._page(result, contents))

    @staticmethod
    def _page(result: Any, contents: Any) -> dict:
        page = p.page_wrapper(
            contents, total=result.total, page=result.page, per_page=result.per_page
        )
        if result.origin is not None:
            # The place the search was centred on, and the other readings of a typed one.
            page["origin"] = result.origin.as_dict()
            page["alternatives"] = [place.as_dict() for place in result.origin.alternatives]
        return page


class ServiceAtLocationDetailView(PublicApiView):
    @extend_schema(
        operation_id="service_at_locations_retrieve",
        summary="One service at a location, with its location and service",
        parameters=[oa.LANG],
        responses=s.ServiceAtLocationDetailSerializer,
    )
    def get(self, request: Request, pk: str) -> Any:
        key = _uuid(pk)
        sal = (
            ServiceAtLocation.objects.filter(
                pk=key, service__in=Service.objects.published().values("id")
            )
            .select_related("service__organization", "service__program")
            .prefetch_related(
                "contacts__phones__languages",
                "phones__languages",
                "schedules",
                "service__schedules",
                Prefetch("location", queryset=Location.objects.defer("point")),
                *loading.location_prefetches("location__"),
            )
            .first()
        )
        if sal is None:
            raise exceptions.NotFound()
        self.changed_objects = [sal]
        context = self.context()
        context["attributes"] = self.attributes_for([sal.id], context["confidential_location_ids"])
        return Response(s.ServiceAtLocationDetailSerializer(sal, context=context).data)


class TaxonomyListView(PublicApiView):
    @extend_schema(
        operation_id="taxonomies_list",
        summary="Taxonomies (paginated)",
        parameters=[oa.SEARCH, oa.PAGE, oa.PER_PAGE, oa.LANG],
        responses=oa.page_schema("TaxonomyPage", s.TaxonomySerializer),
    )
    def get(self, request: Request) -> Response:
        data = request.query_params
        paging = p.paging(data)
        queryset = Taxonomy.objects.all()
        text = data.get("search", "").strip()
        if text:
            queryset = queryset.filter(name__icontains=text)
        total = queryset.count()
        rows = list(
            queryset.order_by("name", "id")[paging.offset : paging.offset + paging.per_page]
        )
        self.changed_objects = rows
        contents = s.TaxonomySerializer(rows, many=True, context=self.context()).data
        return Response(
            p.page_wrapper(contents, total=total, page=paging.page, per_page=paging.per_page)
        )


class TaxonomyDetailView(PublicApiView):
    @extend_schema(
        operation_id="taxonomies_retrieve",
        summary="One taxonomy",
        parameters=[oa.LANG],
        responses=s.TaxonomySerializer,
    )
    def get(self, request: Request, pk: str) -> Response:
        taxonomy = Taxonomy.objects.filter(pk=_uuid(pk)).first()
        if taxonomy is None:
            raise exceptions.NotFound()
        self.changed_objects = [taxonomy]
        return Response(s.TaxonomySerializer(taxonomy, context=self.context()).data)


class TaxonomyTermListView(PublicApiView):
    @extend_schema(
        operation_id="taxonomy_terms_list",
        summary="Taxonomy terms (paginated)",
        parameters=[
            oa.SEARCH,
            oa.PAGE,
            oa.PER_PAGE,
            OpenApiParameter("taxonomy_id", str, description="Terms of this taxonomy."),
            OpenApiParameter("parent_id", str, description="Children of this term."),
            OpenApiParameter("top_only", bool, description="Only terms without a parent."),
            oa.LANG,
        ],
        responses=oa.page_schema("TaxonomyTermPage", s.TaxonomyTermSerializer),
    )
    def get(self, request: Request) -> Response:
        data = request.query_params
        paging = p.paging(data)
        queryset = TaxonomyTerm.objects.select_related("taxonomy")
        text = data.get("search", "").strip()
        if text:
            match = Q(code__icontains=text)
            for code in p.content_languages():
                match |= Q(**{f"name_{code}__icontains": text})
            queryset = queryset.filter(match)
        for name, column in (("taxonomy_id", "taxonomy_id"), ("parent_id", "parent_id")):
            value = data.get(name, "").strip()
            if value:
                try:
                    queryset = queryset.filter(**{column: uuid.UUID(value)})
                except ValueError:
                    raise SearchParamError(name, _("This is not a valid id.")) from None
        if p.flag(data, "top_only"):
            queryset = queryset.filter(parent__isnull=True)
        total = queryset.count()
        rows = list(
            queryset.order_by("code", "id")[paging.offset : paging.offset + paging.per_page]
        )
        self.changed_objects = rows
        contents = s.TaxonomyTermSerializer(rows, many=True, context=self.context()).data
        return Response(
            p.page_wrapper(contents, total=total, page=paging.page, per_page=paging.per_page)
        )


class TaxonomyTermDetailView(PublicApiView):
    @extend_schema(
        operation_id="taxonomy_terms_retrieve",
        summary="One taxonomy term",
        parameters=[oa.LANG],
        responses=s.TaxonomyTermSerializer,
    )
    def get(self, request: Request, pk: str) -> Response:
        term = TaxonomyTerm.objects.select_related("taxonomy").filter(pk=_uuid(pk)).first()
        if term is None:
            raise exceptions.NotFound()
        self.changed_objects = [term]
        return Response(s.TaxonomyTermSerializer(term, context=self.context()).data)


def docs_csp(response: HttpResponse) -> HttpResponse:
    """Swagger UI styles some elements inline; the page still loads nothing from elsewhere."""
    response["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
        "base-uri 'none'; object-src 'none'; form-action 'none'"
    )
    return response
