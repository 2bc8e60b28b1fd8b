"""Staff serializers. Each lists its fields; none of them carries contact details: those appear
only in HandoffSerializer, served by the handoff endpoint to the entitled intake."""

from typing import Any

from django.conf import settings
from rest_framework import serializers

from referrals import staff
from referrals.actions import CONSENT_SCRIPT_VERSION
from referrals.models import (
    AgeBand,
    Consent,
    DeclineReason,
    Gender,
    Outcome,
    Referral,
    ReferralEvent,
    Urgency,
)
from services.models import TaxonomyTerm


def _blank_or(choices: Any) -> serializers.ChoiceField:
    """A read-only choice that may be empty. DRF drops allow_blank from read-only model
    fields, and the schema's enum would then refuse the "" the API really sends."""
    return serializers.ChoiceField(choices=choices, allow_blank=True, read_only=True)


class EventSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="actor_organization.name", default="")
    from_status = _blank_or(ReferralEvent._meta.get_field("from_status").choices)

    class Meta:
        model = ReferralEvent
        fields = ["from_status", "to_status", "at", "reason", "organization"]


class ConsentSummarySerializer(serializers.ModelSerializer):
    contact_channel = _blank_or(Consent.Channel.choices)
    revocation_method = _blank_or(Consent.Method.choices)

    class Meta:
        model = Consent
        fields = [
            "shares_needs",
            "shares_contact",
            "contact_channel",
            "method",
            "explained_language",
            "script_version",
            "recorded_at",
            "revoked_at",
            "revocation_method",
        ]


class ReferralSerializer(serializers.ModelSerializer):
    service_name = serializers.CharField(source="service.name", read_only=True)
    referring_organization_name = serializers.CharField(
        source="referring_organization.name", read_only=True
    )
    receiving_organization_name = serializers.CharField(
        source="receiving_organization.name", read_only=True
    )
    needs = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    consent = ConsentSummarySerializer(read_only=True)
    events = EventSerializer(many=True, read_only=True)
    allowed_moves = serializers.SerializerMethodField()
    age_band = _blank_or(AgeBand.choices)
    gender = _blank_or(Gender.choices)
    decline_reason = _blank_or(DeclineReason.choices)
    outcome = _blank_or(Outcome.choices)

    class Meta:
        model = Referral
        fields = [
            "id",
            "code",
            "status",
            "version",
            "service",
            "service_name",
            "location",
            "referring_organization",
            "referring_organization_name",
            "receiving_organization",
            "receiving_organization_name",
            "needs",
            "urgency",
            "client_language",
            "interpreter_needed",
            "age_band",
            "gender",
            "decline_reason",
            "outcome",
            "created_at",
            "sent_at",
            "responded_at",
            "connected_at",
            "closed_at",
            "expires_at",
            "consent",
            "events",
            "allowed_moves",
        ]
        read_only_fields = fields

    def get_allowed_moves(self, referral: Referral) -> list[str]:
        request = self.context.get("request")
        return staff.moves_for(request.user, referral) if request else []


class ReferralCreateSerializer(serializers.Serializer):
    """The same fields as the page's form. Contact fields are write-only and only reach
    make_referral, which refuses them without contact consent."""

    organization = serializers.UUIDField(required=False)
    service = serializers.UUIDField()
    needs = serializers.PrimaryKeyRelatedField(
        many=True, queryset=TaxonomyTerm.objects.all(), required=False
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.ROUTINE)
    client_language = serializers.ChoiceField(choices=settings.CONTENT_LANGUAGES)
    interpreter_needed = serializers.BooleanField(default=False)
    age_band = serializers.ChoiceField(choices=AgeBand.choices, required=False, allow_blank=True)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True)
    consent_method = serializers.ChoiceField(choices=Consent.Method.choices)
    script_language = serializers.ChoiceField(choices=["es", "en"], required=False)
    script_version = serializers.CharField(default=CONSENT_SCRIPT_VERSION, read_only=True)
    shares_needs = serializers.BooleanField(default=True)
    shares_contact = serializers.BooleanField(default=False)
    contact_channel = serializers.ChoiceField(
        choices=Consent.Channel.choices, required=False, allow_blank=True
    )
    contact_name = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=200
    )
    contact_phone = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=200
    )
    safe_times = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=200
    )
    note = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=1000)
    idempotency_key = serializers.UUIDField(required=False)


class TransitionSerializer(serializers.Serializer):
    move = serializers.ChoiceField(choices=list(staff.STAFF_MOVES))
    version = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=20)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, allow_blank=True)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        from django.utils.translation import gettext as _

        move, reason = data["move"], data.get("reason", "")
        if move == "decline" and reason not in DeclineReason.values:
            raise serializers.ValidationError({"reason": _("Choose why the referral is declined.")})
        if move == "close" and not data.get("outcome"):
            raise serializers.ValidationError({"outcome": _("Choose the outcome.")})
        if move == "revoke" and reason not in Consent.Method.values:
            raise serializers.ValidationError(
                {"reason": _("Choose how the client revoked consent.")}
            )
        return data


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)


class HandoffSerializer(serializers.Serializer):
    name = serializers.CharField(default="")
    phone = serializers.CharField(default="")
    safe_times = serializers.CharField(default="")
    note = serializers.CharField(default="")
    contact_channel = serializers.CharField()
