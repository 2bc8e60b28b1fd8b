from django.urls import path

from referrals.desk import views

app_name = "desk"
urlpatterns = [
    path("", views.find, name="find"),
    path("code/", views.lookup, name="lookup"),
    path("call/", views.record, name="call"),
]
