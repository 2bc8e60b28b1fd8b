from rest_framework import serializers

from accounts.models import Membership, Role


class MembershipSerializer(serializers.ModelSerializer):
    """A member as their organisation's admins see them. Changes go through accounts.actions."""

    organization_name = serializers.CharField(source="organization.name", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.get_full_name", read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    is_active = serializers.BooleanField(required=False)

    class Meta:
        model = Membership
        fields = [
            "id",
            "organization",
            "organization_name",
            "user",
            "username",
            "email",
            "name",
            "role",
            "is_active",
            "created_at",
            "deactivated_at",
        ]
        read_only_fields = ["id", "organization", "user", "created_at", "deactivated_at"]


class OwnMembershipSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["organization", "organization_name", "role"]
        read_only_fields = fields
