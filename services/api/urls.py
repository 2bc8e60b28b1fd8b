"""/api/v1/ — the public HSDS 3.0 API (mounted outside the language prefixes in config/urls.py)."""

from django.urls import path

from services.api import views

app_name = "api"
urlpatterns = [
    path("", views.ApiRootView.as_view(), name="root"),
    path("services", views.ServiceListView.as_view(), name="service-list"),
    path("services/search", views.ServiceSearchView.as_view(), name="service-search"),
    path("services/<str:pk>", views.ServiceDetailView.as_view(), name="service-detail"),
    path("organizations", views.OrganizationListView.as_view(), name="organization-list"),
    path(
        "organizations/<str:pk>",
        views.OrganizationDetailView.as_view(),
        name="organization-detail",
    ),
    path(
        "service_at_locations",
        views.ServiceAtLocationListView.as_view(),
        name="service-at-location-list",
    ),
    path(
        "service_at_locations/<str:pk>",
        views.ServiceAtLocationDetailView.as_view(),
        name="service-at-location-detail",
    ),
    path("taxonomies", views.TaxonomyListView.as_view(), name="taxonomy-list"),
    path("taxonomies/<str:pk>", views.TaxonomyDetailView.as_view(), name="taxonomy-detail"),
    path("taxonomy_terms", views.TaxonomyTermListView.as_view(), name="taxonomy-term-list"),
    path(
        "taxonomy_terms/<str:pk>",
        views.TaxonomyTermDetailView.as_view(),
        name="taxonomy-term-detail",
    ),
]
