"""Staff pages for keeping listings true, under /staff/listings/."""

from django.urls import path

from services.listings import views as views

app_name = "listings"
urlpatterns = [
    path("", views.index, name="index"),
    path("places/", views.capacity_board, name="capacity_board"),
    path("suggestions/", views.queue, name="queue"),
    path("suggestions/<int:pk>/decide/", views.decide, name="decide"),
    path("still-correct/<str:token>/", views.verify_link, name="verify_link"),
    path("<uuid:pk>/", views.listing, name="listing"),
    path("<uuid:pk>/verify/", views.verify, name="verify"),
    path("<uuid:pk>/places/", views.capacity, name="capacity"),
    path("<uuid:pk>/change/", views.change, name="change"),
    path("<uuid:pk>/redact/", views.redact, name="redact"),
]
