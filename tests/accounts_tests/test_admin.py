"""The admin is for operators, with both factors; membership changes there are audited too."""

from django.urls import reverse

from accounts.models import Membership
from audit.models import AuditEvent
from tests.factories import UserFactory, sign_in


def test_an_operators_role_change_in_the_admin_is_audited(client, alice, bob, org_a):
    operator = UserFactory(username="olga", is_superuser=True, is_staff=True)
    sign_in(client, operator)
    membership = bob.memberships.get()
    url = reverse("admin:accounts_membership_change", args=[membership.pk])
    response = client.post(
        url,
        {"user": bob.pk, "organization": org_a.pk, "role": "intake", "is_active": "on"},
    )
    assert response.status_code == 302
    assert Membership.objects.get(pk=membership.pk).role == "intake"
    event = AuditEvent.objects.get(action="accounts.role_changed")
    assert event.actor_id == operator.pk and event.details == {"from": "caseworker", "to": "intake"}


def test_memberships_cannot_be_deleted_in_the_admin(client, bob):
    sign_in(client, UserFactory(username="olga", is_superuser=True, is_staff=True))
    url = reverse("admin:accounts_membership_delete", args=[bob.memberships.get().pk])
    assert client.get(url).status_code == 403


def test_a_staff_flag_without_operator_rights_shows_no_memberships(client, alice):
    alice.is_staff = True
    alice.save()
    sign_in(client, alice)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:accounts_membership_changelist")).status_code == 403


def test_the_admin_never_shows_an_invitations_token_hash(client, alice, org_a):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Invitation, hash_token

    invitation = Invitation.objects.create(
        organization=org_a,
        email="n@example.org",
        role="caseworker",
        token_hash=hash_token("secret-token"),
        expires_at=timezone.now() + timedelta(hours=1),
    )
    sign_in(client, UserFactory(username="olga", is_superuser=True, is_staff=True))
    page = client.get(reverse("admin:accounts_invitation_change", args=[invitation.pk]))
    assert page.status_code == 200
    assert invitation.token_hash not in page.content.decode()


def _operator(client):
    return sign_in(client, UserFactory(username="olga", is_superuser=True, is_staff=True))


def test_the_admin_has_no_page_for_plain_text_backup_codes(client, alice):
    """django-otp's static devices kept codes in plain text (ours are hashed, in
    accounts.BackupCodeDevice): no admin page lists, shows or adds them."""
    import pytest
    from django.contrib import admin
    from django.urls import NoReverseMatch
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device = StaticDevice.objects.create(user=alice, name="old")
    StaticToken.objects.create(device=device, token="plaincode1")
    _operator(client)
    assert not admin.site.is_registered(StaticDevice)
    assert not admin.site.is_registered(StaticToken)
    for name in ("staticdevice", "statictoken"):
        for view in ("changelist", "add"):
            with pytest.raises(NoReverseMatch):
                reverse(f"admin:otp_static_{name}_{view}")
        assert client.get(f"/es/admin/otp_static/{name}/").status_code == 404
    assert client.get(f"/es/admin/otp_static/staticdevice/{device.pk}/change/").status_code == 404
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert "otp_static" not in index.content.decode() and "plaincode1" not in index.content.decode()


def test_the_admin_never_shows_an_authenticators_secret(client, alice):
    import base64

    from tests.factories import second_factor

    device = second_factor(alice)
    secret = base64.b32encode(device.bin_key).decode()
    _operator(client)
    pages = [
        client.get(reverse("admin:otp_totp_totpdevice_changelist")),
        client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])),
    ]
    for page in pages:
        assert page.status_code == 200
        text = page.content.decode()
        assert device.key not in text and secret not in text and "qrcode" not in text
    for name in ("config", "qrcode"):
        url = reverse(f"admin:otp_totp_totpdevice_{name}", args=[device.pk])
        assert client.get(url).status_code == 404
    # Nor can a device be made or edited there (one whose key its maker knows).
    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    change = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    assert client.post(change, {"name": "x", "key": "00" * 20}).status_code == 403
    # A lost one can be deleted: the member enrols again.
    delete = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not type(device).objects.filter(pk=device.pk).exists()
