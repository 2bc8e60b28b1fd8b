"""Staff serializers. Each lists its fields; none of them carries contact details: those appear
only in HandoffSerializer, served by the handoff endpoint to the entitled intake. What a user
sees of a referral's needs and demographics is decided by accounts.permissions.referral_view
(consent scope, expiry and revocation included), never here."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from accounts import permissions
from referrals import staff
from referrals.actions import CONSENT_SCRIPT_VERSION
from referrals.forms import MAX_CHILDREN, check_children
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
from referrals.transitions import OUTCOMES, REASONS
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
            "expires_at",
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
    consent_state = serializers.SerializerMethodField()
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
            "children",
            "children_ages",
            "decline_reason",
            "outcome",
            "created_at",
            "sent_at",
            "responded_at",
            "connected_at",
            "closed_at",
            "expires_at",
            "consent",
            "consent_state",
            "events",
            "allowed_moves",
        ]
        read_only_fields = fields

    def get_allowed_moves(self, referral: Referral) -> list[str]:
        request = self.context.get("request")
        return staff.moves_for(request.user, referral) if request else []

    def get_consent_state(self, referral: Referral) -> str:
        """in_force, expired ("ask the client again"), revoked or none."""
        return permissions.consent_state(referral)

    def to_representation(self, referral: Referral) -> dict[str, Any]:
        data = super().to_representation(referral)
        request = self.context.get("request")
        user = request.user if request else None
        if not permissions.referral_view(user, referral).needs:
            # The client did not agree to share them with this side, or no longer does.
            data.update(needs=[], age_band="", gender="", children=None, children_ages=[])
        return data


class AgesField(serializers.ListField):
    """Children's ages, 0 to 17. A wrong item is one message in the error list, as every
    field's errors are (a list's own errors would be keyed by position)."""

    child = serializers.IntegerField(min_value=0, max_value=17)

    def to_internal_value(self, data: Any) -> list[int]:
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as invalid:
            if isinstance(invalid.detail, dict):
                from django.utils.translation import gettext as _

                raise serializers.ValidationError(
                    [_("Give ages from 0 to 17, separated by commas.")]
                ) from None
            raise


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
    children = serializers.IntegerField(
        min_value=0, max_value=MAX_CHILDREN, required=False, allow_null=True
    )
    children_ages = AgesField(required=False, max_length=MAX_CHILDREN)
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

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            check_children(attrs)
        except DjangoValidationError as invalid:
            raise serializers.ValidationError(invalid.message_dict) from None
        return attrs


REASON_CHOICES = sorted(set(DeclineReason.values) | set(Consent.Method.values))


class ClosedChoiceField(serializers.ChoiceField):
    """A choice whose refusal lists the choices and never repeats what was sent (a reason field
    is where someone types a client's name)."""

    def to_internal_value(self, data: Any) -> Any:
        if data == "" and self.allow_blank:
            return ""
        try:
            return self.choice_strings_to_values[str(data)]
        except (KeyError, TypeError):
            from django.utils.translation import gettext as _

            raise serializers.ValidationError(
                _("Choose one of: %(choices)s.")
                % {"choices": ", ".join(self.choice_strings_to_values)},
                code="invalid_choice",
            ) from None


class TransitionSerializer(serializers.Serializer):
    """reason: one of the closed choices of the move (decline: a DeclineReason; revoke: how the
    client revoked, a consent method); other moves take none. outcome: close only."""

    move = serializers.ChoiceField(choices=list(staff.STAFF_MOVES))
    version = serializers.IntegerField(min_value=1)
    reason = ClosedChoiceField(choices=REASON_CHOICES, required=False, allow_blank=True)
    outcome = ClosedChoiceField(
        choices=[(value, label) for value, label in Outcome.choices if value in OUTCOMES],
        required=False,
        allow_blank=True,
    )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        from django.utils.translation import gettext as _

        move, reason = data["move"], data.get("reason", "")
        allowed = sorted(REASONS.get(move, ()))
        if reason and reason not in allowed:
            raise serializers.ValidationError(
                {
                    "reason": _("Choose one of: %(choices)s.")
                    % {"choices": ", ".join(allowed) or _("no reason for this move")}
                }
            )
        if move == "decline" and not reason:
            raise serializers.ValidationError(
                {
                    "reason": _("Choose why the referral is declined, one of: %(choices)s.")
                    % {"choices": ", ".join(allowed)}
                }
            )
        if move == "close" and not data.get("outcome"):
            raise serializers.ValidationError({"outcome": _("Choose the outcome.")})
        if move != "close" and data.get("outcome"):
            raise serializers.ValidationError({"outcome": _("Only closing takes an outcome.")})
        if move == "revoke" and not reason:
            raise serializers.ValidationError(
                {
                    "reason": _("Choose how the client revoked consent, one of: %(choices)s.")
                    % {"choices": ", ".join(allowed)}
                }
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
