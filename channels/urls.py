from django.urls import path

from channels.gateways import rapidpro, twilio

app_name = "channels"

urlpatterns = [
    path("twilio/sms/", twilio.sms, name="twilio-sms"),
    path("twilio/whatsapp/", twilio.whatsapp, name="twilio-whatsapp"),
    path("rapidpro/", rapidpro.webhook, name="rapidpro"),
]
