"""An organisation's admin at work in Chromium: inviting a member and setting a role, making and
revoking an API token, reading the audit log; and the quick exit on staff pages, which signs the
member out as it leaves and has no Esc-twice shortcut that could throw a half-written form away."""

import re

import pytest

from tests.browser_tests.conftest import NEUTRAL_HOST

pytestmark = pytest.mark.browser


def test_the_admin_invites_a_member_and_changes_a_role(phone, people):
    page = phone.sign_in(people["alma"])
    page.get_by_role("link", name="Miembros").first.click()
    page.wait_for_load_state()
    if "/members/" in page.url and "organizations" not in page.url:
        page.locator("main a[href*='/organizations/']").first.click()
        page.wait_for_load_state()
    phone.check("members")
    page.fill("input[name=email]", "nueva@demo.invalid")
    page.select_option("select[name=role]", "intake")
    page.get_by_role("button", name="Enviar invitación").click()
    page.wait_for_load_state()
    phone.check("members-invited")
    assert "nueva@demo.invalid" in page.locator(".invitations").inner_text()
    page.get_by_role("link", name="Nora").click()
    page.wait_for_load_state()
    phone.check("member")
    page.select_option("select[name=role]", "intake")
    page.get_by_role("button", name="Cambiar rol").click()
    page.wait_for_load_state()
    phone.check("member-role-changed")
    assert "personal de admisión" in page.locator("main").inner_text().lower()
    phone.assert_no_problems()


def test_a_member_makes_and_revokes_an_api_token(desktop, people):
    page = desktop.sign_in(people["rosa"])
    page.goto(desktop.url("/es/staff/api-tokens/"))
    desktop.check("api-tokens")
    page.fill("input[name=name]", "hoja de cálculo")
    page.get_by_role("button", name="Crear token").click()
    page.wait_for_load_state()
    desktop.check("api-token-made")
    assert page.locator(".notice code.secret").inner_text().strip()
    revoke = page.locator("form[action*='/revoke/']").first
    # Not ticking the box is the way back: the browser does not send the form.
    revoke.locator("button").click()
    page.wait_for_timeout(300)
    assert page.locator("form[action*='/revoke/']").count() == 1
    assert revoke.locator("input[name=confirm]").evaluate("e => !e.validity.valid")
    # Without the browser's check (an old browser, a script), the server asks for it too.
    revoke.locator("input[name=confirm]").evaluate("e => e.removeAttribute('required')")
    revoke.locator("button").click()
    page.wait_for_load_state()
    desktop.check("api-token-not-confirmed")
    assert "Marca la casilla" in page.locator(".messages").inner_text()
    assert page.locator("form[action*='/revoke/']").count() == 1
    page.locator("form[action*='/revoke/'] input[name=confirm]").check()
    page.locator("form[action*='/revoke/'] button").click()
    page.wait_for_load_state()
    desktop.check("api-token-revoked")
    assert page.locator("form[action*='/revoke/']").count() == 0
    desktop.assert_no_problems()


def test_a_withdrawn_invitation_asks_first_on_the_phone(phone, people):
    page = phone.sign_in(people["alma"])
    page.goto(phone.url(f"/es/staff/organizations/{people['alma'].organization_id}/members/"))
    page.fill("input[name=email]", "retirar@demo.invalid")
    page.select_option("select[name=role]", "caseworker")
    page.get_by_role("button", name="Enviar invitación").click()
    page.wait_for_load_state()
    invitation = page.locator(".invitations li", has_text="retirar@demo.invalid")
    invitation.get_by_role("button", name="Retirar la invitación").click()
    page.wait_for_timeout(300)
    assert page.locator(".invitations li", has_text="retirar@demo.invalid").count() == 1
    phone.check("invitation-withdraw")
    invitation.locator("input[name=confirm]").check()
    invitation.get_by_role("button", name="Retirar la invitación").click()
    page.wait_for_load_state()
    phone.check("invitation-withdrawn")
    assert "retirar@demo.invalid" not in page.locator("main").inner_text()
    phone.assert_no_problems()


def test_the_admin_reads_the_audit_log_in_her_words_and_time_zone(desktop, people):
    page = desktop.sign_in(people["alma"])
    page.goto(desktop.url("/es/staff/audit/"))
    desktop.check("audit-log")
    table = page.locator("table.audit").inner_text()
    assert "inicio de sesión" in table.lower(), table[:500]
    assert "accounts." not in table and "UTC" not in table, table[:500]
    assert "hora de" in table
    desktop.assert_no_problems()


def test_the_quick_exit_signs_the_member_out_and_esc_twice_keeps_the_form(phone, people):
    page = phone.sign_in(people["beto"])
    page.goto(phone.url("/es/staff/referrals/new/"))
    page.fill("input[name=q]", "albergue")
    # Esc inside a search field clears it (the browser's own behaviour): press it on the page.
    page.locator("h1").click()
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    assert "/staff/referrals/new/" in page.url
    assert page.locator("input[name=q]").input_value() == "albergue"
    page.locator("#quick-exit").click()
    page.wait_for_url(re.compile(rf"https://{re.escape(NEUTRAL_HOST)}/.*"))
    check = phone.context.new_page()
    check.goto(phone.url("/es/staff/"))
    assert "/staff/sign-in/" in check.url, check.url
