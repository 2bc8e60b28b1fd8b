"""Two factors for every staff member: a password alone reaches nothing but the second step."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.backup_codes import hash_code
from accounts.models import BackupCode
from audit.models import AuditEvent
from tests.accounts_tests.conftest import current_code, password_step, with_password
from tests.factories import UserFactory, second_factor, sign_in


@pytest.fixture
def alice_with_app(alice):
    with_password(alice)
    return second_factor(alice)


def test_the_password_step_leads_to_the_second_step(client, alice_with_app):
    response = password_step(client, "alice")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))


@pytest.mark.parametrize(
    "path",
    [
        "/es/staff/",
        "/en/staff/",
        "/es/staff/password/",
        "/es/staff/two-factor/backup-codes/",
        "/es/staff/audit/",
        "/es/admin/",
        "/es/",
    ],
)
def test_with_only_a_password_every_page_sends_to_the_second_step(client, alice_with_app, path):
    password_step(client, "alice")
    response = client.get(path)
    assert response.status_code == 302
    assert reverse("accounts:two_factor") in response["Location"]


def test_with_only_a_password_the_members_page_is_out_of_reach(client, alice_with_app, org_a):
    password_step(client, "alice")
    response = client.get(reverse("accounts:members", args=[org_a.pk]))
    assert response.status_code == 302
    assert "Organización A" not in response.content.decode()


def test_with_only_a_password_the_staff_api_answers_403(client, alice_with_app):
    password_step(client, "alice")
    response = client.get(reverse("staff_api:me"))
    assert response.status_code == 403
    assert "alice" not in response.content.decode()


def test_a_member_without_a_second_factor_is_sent_to_enrol_one(client, bob):
    with_password(bob)
    response = password_step(client, "bob")
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
    assert client.get(reverse("accounts:dashboard"))["Location"].startswith(
        reverse("accounts:two_factor_setup")
    )


def test_enrolling_draws_the_qr_code_here_as_inline_svg(client, bob):
    with_password(bob)
    password_step(client, "bob")
    response = client.get(reverse("accounts:two_factor_setup"))
    page = response.content.decode()
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert "style=" not in svg
    # No inline script or style (the CSP would block them): scripts come from files of ours.
    assert not re.search(r"<script(?![^>]*\bsrc=\"/static/)", page)
    assert " style=" not in page
    # No image, script or frame is fetched from anywhere else.
    assert not re.search(r'src="(https?:)?//', page)
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_enrolling_with_a_code_from_the_app_signs_in_and_shows_backup_codes_once(client, bob):
    with_password(bob)
    password_step(client, "bob")
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=bob, confirmed=False)

    response = client.post(reverse("accounts:two_factor_setup"), {"code": current_code(device)})

    assert response.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", response.content.decode())
    assert len(codes) == 10
    # Stored as their keyed hashes only.
    assert sorted(hash_code(code) for code in codes) == sorted(
        BackupCode.objects.filter(device__user=bob).values_list("code_hash", flat=True)
    )
    assert not StaticToken.objects.filter(device__user=bob).exists()
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    actions = list(AuditEvent.objects.filter(actor_id=bob.pk).values_list("action", flat=True))
    assert "accounts.two_factor_enrolled" in actions and "accounts.signed_in" in actions
    # Shown once: the status page gives the count, not the codes.
    status = client.get(reverse("accounts:backup_codes")).content.decode()
    assert not any(code in status for code in codes)


def test_a_wrong_enrolment_code_confirms_nothing(client, bob):
    with_password(bob)
    password_step(client, "bob")
    client.get(reverse("accounts:two_factor_setup"))
    response = client.post(reverse("accounts:two_factor_setup"), {"code": "000000"})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=bob, confirmed=True).exists()
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_a_password_alone_cannot_add_another_authenticator(client, alice_with_app):
    """Whoever stole the password must not enrol their own phone."""
    password_step(client, "alice")
    response = client.get(reverse("accounts:two_factor_setup"))
    assert response["Location"].startswith(reverse("accounts:two_factor"))
    assert TOTPDevice.objects.filter(user__username="alice").count() == 1


def test_the_right_code_signs_in_and_goes_on_to_the_page_asked_for(client, alice_with_app, org_a):
    members = reverse("accounts:members", args=[org_a.pk])
    password_step(client, "alice")
    response = client.post(
        reverse("accounts:two_factor"), {"code": current_code(alice_with_app), "next": members}
    )
    assert response.status_code == 302 and response["Location"] == members
    assert client.get(members).status_code == 200
    event = AuditEvent.objects.filter(action="accounts.signed_in").get()
    assert event.actor_id == alice_with_app.user_id and event.details == {"factor": "totp"}


def test_a_wrong_code_is_refused_audited_and_then_throttled(client, alice_with_app):
    password_step(client, "alice")
    wrong = client.post(reverse("accounts:two_factor"), {"code": "123456"})
    assert wrong.status_code == 200
    assert AuditEvent.objects.filter(action="accounts.second_factor_failed").count() == 1
    # Right after a failure even the right code waits: guessing a million codes takes forever.
    again = client.post(reverse("accounts:two_factor"), {"code": current_code(alice_with_app)})
    assert again.status_code == 200
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_a_backup_code_signs_in_once(client, alice_with_app):
    from accounts.views.auth import _new_backup_codes

    code = _new_backup_codes(alice_with_app.user)[0]
    password_step(client, "alice")
    assert client.post(reverse("accounts:two_factor"), {"code": code})["Location"] == reverse(
        "accounts:dashboard"
    )
    assert client.get(reverse("accounts:dashboard")).status_code == 200

    other = client_class_like(client)
    password_step(other, "alice")
    assert other.post(reverse("accounts:two_factor"), {"code": code}).status_code == 200
    assert other.get(reverse("accounts:dashboard")).status_code == 302


def client_class_like(client):
    return client.__class__()


def test_the_admin_requires_both_factors(client, db):
    operator = with_password(UserFactory(username="olga", is_superuser=True, is_staff=True))
    device = second_factor(operator)
    password_step(client, "olga")
    assert reverse("accounts:two_factor") in client.get("/es/admin/")["Location"]
    client.post(reverse("accounts:two_factor"), {"code": current_code(device)})
    assert client.get("/es/admin/").status_code == 200


def test_the_admin_has_no_password_form_of_its_own(client, db):
    response = client.get("/es/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_signed_in_member_who_is_not_staff_finds_no_admin(client, bob):
    sign_in(client, bob)
    assert client.get("/es/admin/login/").status_code == 404
    assert client.get("/es/admin/").status_code == 302


def test_a_member_with_several_authenticators_signs_in_with_each_in_turn(client, alice_with_app):
    """A code is tried on each of the member's authenticators, and each that refuses it counts
    a failure: without a reset after the right code, signing in with the third phone throttled
    the first two, and the next sign-in with the second was refused as "too many wrong codes"."""
    phones = [alice_with_app] + [
        TOTPDevice.objects.create(user=alice_with_app.user, name=f"phone {n}", confirmed=True)
        for n in (2, 3)
    ]
    for phone in (phones[2], phones[1], phones[0]):
        client.logout()
        password_step(client, "alice")
        response = client.post(reverse("accounts:two_factor"), {"code": current_code(phone)})
        assert response.status_code == 302, response.content.decode()
    assert not AuditEvent.objects.filter(action="accounts.second_factor_failed").exists()
