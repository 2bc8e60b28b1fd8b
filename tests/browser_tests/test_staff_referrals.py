"""A referral's whole life in Chromium, as the people do it: a caseworker on a phone reads the
consent script, ticks the person's yes, sends the referral and prints the slip; the receiving
intake at a desk accepts it, opens the contact details, marks the client as reached and closes it;
the caseworker sees the outcome. Withdrawing and revoking consent ask for a confirmation."""

import pytest

from tests.browser_tests.staff import in_own_thread, make_referral_for, receiving_service

pytestmark = pytest.mark.browser


def move_button(page, name: str):
    return page.locator(f"form:has(input[name=move][value={name}]) button[type=submit]")


def test_a_referral_from_the_consent_script_to_its_outcome(
    phone, desktop, people, django_db_blocker
):
    with django_db_blocker.unblock():
        service_id, service_name = in_own_thread(lambda: receiving_service(people))

    # The caseworker, on a phone, finds the service and opens the form.
    page = phone.sign_in(people["rosa"])
    page.goto(phone.url("/es/staff/referrals/new/"))
    phone.check("referral-search")
    page.fill("input[name=q]", service_name)
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_load_state()
    phone.check("referral-search-results")
    page.locator("ol.results a", has_text=service_name).first.click()
    page.wait_for_load_state()
    phone.check("referral-form")
    # It opens at the top, with the script on the screen and nothing ticked.
    assert page.evaluate("window.scrollY") == 0
    assert page.locator(".script").is_visible()
    box = page.locator(".script").bounding_box()
    assert box and box["y"] < 844
    assert page.locator("input[type=checkbox]:checked").count() == 0

    # The script in the client's language: Creole one tap away, then back to Spanish.
    page.locator('a[href="?client_language=ht"]').click()
    page.wait_for_load_state()
    assert page.locator('blockquote.script[lang="ht"]').is_visible()
    assert page.locator("select[name=client_language]").input_value() == "ht"
    phone.check("referral-form-creole")
    page.locator('a[href="?client_language=es"]').click()
    page.wait_for_load_state()
    assert page.locator('blockquote.script[lang="es"]').is_visible()

    # Sent without the person's yes: the error is moved to, focused and announced.
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "alert"
    assert page.evaluate("document.activeElement.className") == "error-summary"
    summary = page.locator(".error-summary").bounding_box()
    assert summary and 0 <= summary["y"] < 844
    phone.check("referral-form-errors")

    page.check("input[name=client_agrees]")
    page.check("input[name=shares_needs]")
    page.check("input[name=shares_contact]")
    page.select_option("select[name=contact_channel]", "phone")
    page.select_option("select[name=urgency]", "urgent")
    page.locator("input[name=needs]").first.check()
    page.fill("input[name=contact_name]", "Mar")
    page.fill("input[name=contact_phone]", "+57 300 123 4567")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url("**/made/")
    phone.check("referral-made")
    code = page.locator(".secret").inner_text().strip()
    assert code.startswith("ENL-")

    page.locator("main a[href$='/slip/']").click()
    page.wait_for_load_state()
    phone.check("referral-slip")
    assert page.locator(".code").inner_text().strip() == code
    assert service_name not in page.locator("main").inner_text()
    assert page.locator("[data-print]").is_visible()
    # The code is never broken across lines.
    assert page.locator(".code").evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
    page.go_back()
    page.wait_for_load_state()
    detail_url = page.locator("main a[href$='/slip/']").get_attribute("href")[: -len("slip/")]

    # The receiving intake, at a desk.
    intake = desktop.sign_in(people["ivan"])
    intake.goto(desktop.url("/es/staff/referrals/"))
    desktop.check("inbox")
    intake.get_by_role("link", name=code).click()
    intake.wait_for_load_state()
    desktop.check("referral-received")
    assert "primary" in move_button(intake, "accept").get_attribute("class")
    move_button(intake, "accept").click()
    intake.wait_for_load_state()
    desktop.check("referral-accepted")
    intake.locator("form[action$='/contact/'] button").click()
    intake.wait_for_load_state()
    desktop.check("referral-contact")
    assert "+57 300 123 4567" in intake.locator("main").inner_text()
    intake.go_back()
    intake.reload()
    assert "primary" in move_button(intake, "connect").get_attribute("class")
    move_button(intake, "connect").click()
    intake.wait_for_load_state()
    desktop.check("referral-connected")
    close = intake.locator("form:has(input[name=move][value=close])")
    assert "primary" in move_button(intake, "close").get_attribute("class")
    # Closing cannot be undone: it waits for the ticked confirmation.
    close.locator("select[name=outcome]").select_option("served")
    move_button(intake, "close").click()
    assert intake.locator("form:has(input[name=move][value=close])").count() == 1
    close.locator("input[name=confirm]").check()
    move_button(intake, "close").click()
    intake.wait_for_load_state()
    desktop.check("referral-closed")
    assert intake.locator("form:has(input[name=move])").count() == 0

    # The caseworker sees the outcome.
    page.goto(phone.url(detail_url))
    phone.check("referral-outcome")
    status = page.locator("dl").inner_text().lower()
    assert "cerrada" in status and "persona atendida" in status, status
    phone.assert_no_problems()
    desktop.assert_no_problems()


def test_the_caseworker_withdraws_one_referral_and_records_a_revocation(
    phone, people, django_db_blocker
):
    with django_db_blocker.unblock():
        sent = in_own_thread(lambda: make_referral_for(people))
        accepted = in_own_thread(lambda: make_referral_for(people, accepted=True))
    page = phone.sign_in(people["rosa"])
    page.goto(phone.url(f"/es/staff/referrals/{sent}/"))
    phone.check("referral-sent")
    withdraw = page.locator("form:has(input[name=move][value=withdraw])")
    move_button(page, "withdraw").click()
    # Not confirmed: the browser keeps the form, nothing was sent.
    assert page.locator("form:has(input[name=move][value=withdraw])").count() == 1
    withdraw.locator("input[name=confirm]").check()
    move_button(page, "withdraw").click()
    page.wait_for_load_state()
    phone.check("referral-withdrawn")
    assert "retirada" in page.locator("dl").inner_text().lower()

    page.goto(phone.url(f"/es/staff/referrals/{accepted}/"))
    revoke = page.locator("form:has(input[name=move][value=revoke])")
    revoke.locator("select[name=method]").select_option("verbal")
    revoke.locator("input[name=confirm]").check()
    move_button(page, "revoke").click()
    page.wait_for_load_state()
    phone.check("referral-revoked")
    assert "revocado" in page.locator("dl").inner_text().lower()
    phone.assert_no_problems()
