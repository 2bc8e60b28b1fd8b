"""Keeping listings true in Chromium: free places −1/+1, verifying a listing (one with no history
yet, then with the history that made), suggesting changes with inputs of the right kind, and a
moderator accepting one and rejecting another."""

import pytest

from tests.browser_tests.staff import in_own_thread, receiving_service

pytestmark = pytest.mark.browser


def _free_now(page) -> str:
    return page.locator("table.capacity tbody tr").first.locator("td").nth(1).inner_text()


def test_free_places_are_set_then_taken_and_freed_one_at_a_time(phone, people):
    page = phone.sign_in(people["alma"])
    page.goto(phone.url("/es/staff/listings/places/"))
    phone.check("free-places")
    row = page.locator("table.capacity tbody tr").first
    row.locator("input[name=available]").fill("3")
    row.locator("form:has(input[name=available]) button").click()
    page.wait_for_load_state()
    assert _free_now(page).startswith("3"), _free_now(page)
    page.locator("table.capacity tbody tr").first.locator(
        "form:has(input[name=delta][value='-1']) button"
    ).click()
    page.wait_for_load_state()
    assert _free_now(page).startswith("2"), _free_now(page)
    page.locator("table.capacity tbody tr").first.locator(
        "form:has(input[name=delta][value='1']) button"
    ).click()
    page.wait_for_load_state()
    assert _free_now(page).startswith("3"), _free_now(page)
    phone.check("free-places-updated")
    phone.assert_no_problems()


def test_a_listing_without_history_is_verified_and_then_shows_its_history(desktop, people):
    page = desktop.sign_in(people["alma"])
    page.goto(desktop.url("/es/staff/listings/"))
    desktop.check("listings")
    # The last listing of the board: free places (another test) never touched it.
    page.locator("table.cards tbody tr td a").last.click()
    page.wait_for_load_state()
    desktop.check("listing-without-history")
    assert page.locator("h2", has_text="Historial").count() == 0
    page.select_option("select[name=method]", "phone")
    page.locator("form[action$='/verify/'] button").click()
    page.wait_for_load_state()
    desktop.check("listing-with-history")
    history = page.locator("table.cards").last.inner_text()
    assert "verificación" in history and "last_verified" not in history, history
    assert "UTC" not in history and "hora de" in history, history
    desktop.assert_no_problems()


def test_a_member_suggests_changes_and_the_admin_accepts_one_and_rejects_one(
    phone, desktop, people, django_db_blocker
):
    with django_db_blocker.unblock():
        service_id, _name = in_own_thread(lambda: receiving_service(people))
    page = phone.sign_in(people["rosa"])
    page.goto(phone.url(f"/es/staff/listings/{service_id}/"))
    phone.check("listing-as-another-member")
    # Fields are named in people's words, never by their code names.
    options = page.locator("select[name=field] option").all_inner_texts()
    assert not [o for o in options if "_" in o], options
    page.select_option("select[name=field]", "capacity_total")
    page.locator("form[method=get] button").click()
    page.wait_for_load_state()
    assert page.locator("input[name=proposed_value]").get_attribute("type") == "number"
    page.fill("input[name=proposed_value]", "12")
    page.locator("form[action$='/change/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert "enviada" in page.locator(".messages").inner_text(), page.locator("main").inner_text()
    phone.check("suggestion-sent")
    page.select_option("select[name=field]", "is_free")
    page.locator("form[method=get] button").click()
    page.wait_for_load_state()
    phone.check("suggest-yes-no")
    assert page.locator("input[type=radio][name=proposed_value]").count() == 2
    # The opposite of what the listing says now (a suggestion must change something).
    page.locator("input[type=radio][name=proposed_value]:not(:checked)").check()
    page.locator("form[action$='/change/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert "enviada" in page.locator(".messages").inner_text(), page.locator("main").inner_text()

    admin = desktop.sign_in(people["alma"])
    admin.goto(desktop.url(f"/es/staff/listings/{service_id}/"))
    # For an editor nothing is applied unless the button that says so is pressed.
    admin.select_option("select[name=field]", "wait_time")
    admin.locator("form[method=get] button").click()
    admin.wait_for_load_state()
    assert admin.locator("form[action$='/change/'] input[type=checkbox]:checked").count() == 0
    desktop.check("change-a-field")
    admin.goto(desktop.url("/es/staff/listings/suggestions/"))
    desktop.check("suggestions")
    rows = admin.locator("table.cards tbody tr", has_text="en total")
    assert rows.count() >= 1, admin.locator("main").inner_text()
    rows.first.locator("button[value=accepted]").click()
    admin.wait_for_load_state()
    admin.locator("table.cards tbody tr").first.locator("button[value=rejected]").click()
    admin.wait_for_load_state()
    desktop.check("suggestions-decided")
    admin.goto(desktop.url("/es/staff/listings/suggestions/?status=accepted"))
    assert "12" in admin.locator("main").inner_text()
    phone.assert_no_problems()
    desktop.assert_no_problems()


def test_a_new_phone_and_new_hours_are_suggested_and_only_the_accepted_one_shows(
    phone, people, django_db_blocker
):
    with django_db_blocker.unblock():
        service_id, _name = in_own_thread(lambda: receiving_service(people))
    page = phone.sign_in(people["rosa"])
    page.goto(phone.url(f"/es/staff/listings/{service_id}/"))
    page.select_option("select[name=field]", "phone_change")
    page.locator("form[method=get] button").click()
    page.wait_for_load_state()
    phone.check("suggest-phone")
    assert page.locator("input[name=number]").get_attribute("type") == "tel"
    page.select_option("select[name=phone]", "")
    # A number that is not one is refused in words, and nothing is sent.
    page.fill("input[name=number]", "llámame")
    page.locator("form[action$='/change/'] button[type=submit]").click()
    page.wait_for_load_state()
    phone.check("suggest-phone-refused")
    assert "no es un número" in page.locator(".messages").inner_text()
    page.select_option("select[name=phone]", "")
    page.fill("input[name=number]", "+57 301 765 4321")
    page.locator("form[action$='/change/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert "enviada" in page.locator(".messages").inner_text()
    page.select_option("select[name=field]", "hours_change")
    page.locator("form[method=get] button").click()
    page.wait_for_load_state()
    phone.check("suggest-hours")
    assert page.locator("input[type=time]").count() == 14
    for day in ("MO", "TU", "WE", "TH", "FR", "SA", "SU"):
        page.fill(f"input[name=opens_{day}]", "")
        page.fill(f"input[name=closes_{day}]", "")
    page.fill("input[name=opens_SU]", "06:15")
    page.fill("input[name=closes_SU]", "07:45")
    page.locator("form[action$='/change/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert "enviada" in page.locator(".messages").inner_text(), page.locator("main").inner_text()

    admin = phone.sign_in(people["alma"])
    admin.goto(phone.url("/es/staff/listings/suggestions/"))
    phone.check("suggestions-rows")
    # Kept as E.164, shown in the international format in the queue.
    new_phone = admin.locator("table.cards tbody tr", has_text="+57 301 7654321")
    new_phone.locator("button[value=accepted]").click()
    admin.wait_for_load_state()
    assert "Aceptada" in admin.locator(".messages").inner_text()
    hours = admin.locator("table.cards tbody tr", has_text="06:15")
    hours.locator("button[value=rejected]").click()
    admin.wait_for_load_state()
    assert "Rechazada" in admin.locator(".messages").inner_text()
    admin.goto(phone.url(f"/es/staff/listings/{service_id}/"))
    history = admin.locator("table.cards").last.inner_text()
    assert "Número de teléfono" in history and "phone_change" not in history, history

    admin.get_by_role("link", name="Página pública").click()
    admin.wait_for_load_state()
    text = admin.locator("main").inner_text()
    # National on a Colombian listing's page (a substring of the international form too).
    assert "301 7654321" in text, text
    assert "06:15" not in text, text
    phone.assert_no_problems()
