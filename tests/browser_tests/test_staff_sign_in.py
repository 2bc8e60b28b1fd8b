"""Signing in and out of the staff area in Chromium, as a member does it: the password, then a
code from the authenticator app or a backup code; the lockout message after too many wrong
passwords; signing out."""

import pytest

from tests.browser_tests.staff import PASSWORD

pytestmark = pytest.mark.browser


def test_a_member_signs_in_with_the_authenticator_and_signs_out(phone, people):
    page = phone.sign_in(people["rosa"])
    phone.check("dashboard")
    assert page.get_by_role("heading", name="Área del personal").is_visible()
    page.get_by_role("button", name="Cerrar sesión").click()
    page.wait_for_load_state()
    phone.check("signed-out")
    assert page.get_by_role("heading", level=1).inner_text() == "Has cerrado la sesión"
    page.goto(phone.url("/es/staff/"))
    assert "/staff/sign-in/" in page.url
    phone.assert_no_problems()


def test_a_member_signs_in_with_a_backup_code(desktop, people):
    beto = people["beto"]
    page = desktop.sign_in(beto, code=beto.backup_codes[0])
    desktop.check("signed-in-with-backup-code")
    assert "código de respaldo" in page.locator(".messages").inner_text()
    desktop.assert_no_problems()


def test_too_many_wrong_passwords_show_the_lockout_message(phone, people):
    page = phone.goto("/es/staff/sign-in/")
    for _ in range(6):
        page.fill("input[name=username]", "lola")
        page.fill("input[name=password]", PASSWORD + " wrong")
        page.get_by_role("button", name="Continuar").click()
        page.wait_for_load_state()
    alert = page.get_by_role("alert")
    assert "Demasiados intentos" in alert.inner_text(), page.locator("main").inner_text()
    phone.check("locked-out")
    phone.assert_no_problems()
