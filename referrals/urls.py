from django.urls import path

from referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("sent/", views.sent, name="sent"),
    path("new/", views.new, name="new"),
    path("new/<uuid:service_id>/", views.create, name="create"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/move/", views.move, name="move"),
    path("<uuid:pk>/contact/", views.contact, name="contact"),
    path("<uuid:pk>/made/", views.made, name="made"),
    path("<uuid:pk>/slip/", views.slip, name="slip"),
    path("<uuid:pk>/consent/", views.renew, name="renew"),
]
