"""Forms posted by Chromium itself reach their views: the referrer policy lets the browser name our
own origin, so Django's CSRF check and the public report's same-origin check accept them.

Under `Referrer-Policy: no-referrer` Chromium sends `Origin: null` on every form POST and both
checks refuse it; Django's test client sends no Origin at all, so only a real browser shows it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django_otp.oath import totp

from tests.browser_tests.staff import in_own_thread

pytestmark = pytest.mark.browser

PASSWORD = "a long pass phrase for the browser"  # noqa: S105 (a test user's)
ANSWERS = {"week": "7", "plus": "5", "day": "24", "semana": "7", "más": "5", "día": "24"}


@pytest.fixture
def staff_member(site, django_db_blocker) -> Iterator[tuple[str, bytes]]:
    """A caseworker of a demo organisation with a password and an authenticator."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User
    from services.models import Organization
    from tests.factories import MembershipFactory

    def make():
        user = User.objects.create_user("paula", password=PASSWORD)
        MembershipFactory(user=user, organization=Organization.objects.first(), role="caseworker")
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        return user, device.bin_key

    with django_db_blocker.unblock():
        user, key = in_own_thread(make)
    yield user.username, key
    with django_db_blocker.unblock():
        in_own_thread(user.delete)


def test_a_member_signs_in_with_password_and_authenticator(visit, staff_member):
    username, key = staff_member
    posts = []
    visit.page.on(
        "request",
        lambda request: (
            posts.append(request.headers.get("origin")) if request.method == "POST" else None
        ),
    )
    page = visit.goto("/es/staff/sign-in/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form.stack button[type=submit]")
    page.wait_for_url("**/two-factor/**")
    page.fill("input[name=code]", f"{totp(key):06d}")
    page.click("main form.stack button[type=submit]")
    page.wait_for_load_state()
    assert "/two-factor/" not in page.url and "/sign-in/" not in page.url, page.content()[:500]
    # Signed in: the navigation's sign-out form, and the quick exit, which signs out as it leaves.
    assert page.locator("form.sign-out[action$='/sign-out/']").count() == 1
    assert page.locator("form#quick-exit-form[action$='/sign-out/']").count() == 1
    assert posts and all(origin == visit.base_url for origin in posts), posts
    visit.screenshot("staff-signed-in-phone")


def test_a_visitor_reports_a_closed_place_from_the_listing_page(visit):
    page = visit.goto("/es/buscar/?q=albergue&place=Cucuta")
    page.locator("ol.results > li.card h3 a").first.click()
    page.wait_for_load_state()
    report = page.locator("#report")
    report.locator("input[type=radio][name=kind]").first.check()
    phone_choice = report.locator("input[type=radio][name=phone]")
    if phone_choice.count():
        phone_choice.first.check()
    question = report.locator("label[for=id_answer]").inner_text().lower()
    answer = next(value for word, value in ANSWERS.items() if word in question)
    report.locator("#id_answer").fill(answer)
    report.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "Gracias" in page.locator("#report").inner_text(), page.locator("#report").inner_text()
    assert visit.page.context.cookies() == []
