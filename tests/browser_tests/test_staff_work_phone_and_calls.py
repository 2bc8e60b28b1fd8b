"""In Chromium, on a phone and at a desk: a caseworker gives her work phone on her account page
and the receiving intake sees it, tap to call, on her referral; calls counted at the desk show
in the steward's reports, by month, place, need and language, and download as CSV."""

from pathlib import Path

import pytest

from tests.browser_tests.staff import in_own_thread, make_referral_for, new_staff_visit

pytestmark = pytest.mark.browser

NUMBER = "+57 310 555 0142"  # as typed
SHOWN = "+57 310 5550142"  # as the page shows it


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_receiver_calls_the_referrer_back_on_her_work_phone(
    request, people, django_db_blocker, browser, site, axe, size
):
    visit = request.getfixturevalue(size)
    page = visit.sign_in(people["rosa"], check=False)
    page.goto(visit.url("/es/staff/work-phone/"))
    visit.check("work-phone")
    page.fill("input[name=work_phone]", "no tengo")
    page.get_by_role("button", name="Guardar").click()
    page.wait_for_load_state()
    assert "no tiene código de país" in page.locator("main").inner_text()
    visit.check("work-phone-error")
    page.fill("input[name=work_phone]", NUMBER)
    page.get_by_role("button", name="Guardar").click()
    page.wait_for_load_state()
    assert "Teléfono de trabajo guardado." in page.locator("body").inner_text()
    with django_db_blocker.unblock():
        referral_id = in_own_thread(lambda: make_referral_for(people))

    receiver = new_staff_visit(browser, site, axe, size)
    ivan = receiver.sign_in(people["ivan"], check=False)
    ivan.goto(receiver.url(f"/es/staff/referrals/{referral_id}/"))
    receiver.check("referral-referrer-work-phone")
    link = ivan.locator("a[data-referrer-work-phone]")
    assert link.inner_text() == SHOWN
    assert link.get_attribute("href") == "tel:+573105550142"

    # The referrer's colleague at the referring organisation (its hotline worker; another test
    # locks lola out) does not get her number here.
    colleague = new_staff_visit(browser, site, axe, size)
    hana = colleague.sign_in(people["hana"], check=False)
    response = hana.goto(colleague.url(f"/es/staff/referrals/{referral_id}/"))
    assert response.status == 200
    assert "Rosa" in hana.locator("main").inner_text()
    assert SHOWN not in hana.content() and "5550142" not in hana.content()
    for other in (receiver, colleague):
        other.context.close()
    for each in (visit, receiver, colleague):
        each.assert_no_problems()


def _count_calls(people) -> None:
    import uuid

    from django.utils import timezone

    from referrals.models import CallTally
    from services.models import Region, TaxonomyTerm

    region = Region.objects.filter(level=Region.Level.SUBDIVISION, code="CO-NSA").first()
    need = TaxonomyTerm.objects.filter(code="housing").first()
    month = timezone.now().date().replace(day=1)
    for outcome, n in (("referred", 6), ("information", 5), ("no_service", 2)):
        for _ in range(n):
            CallTally.objects.create(
                id=uuid.uuid4(),
                organization_id=people["hana"].organization_id,
                month=month,
                region=region,
                need=need,
                language="es",
                outcome=outcome,
            )


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_counted_calls_show_in_the_reports_with_small_counts_hidden(
    request, people, django_db_blocker, size
):
    with django_db_blocker.unblock():
        in_own_thread(lambda: _count_calls(people))
    visit = request.getfixturevalue(size)
    page = visit.sign_in(people["sara"], check=False)
    page.goto(visit.url("/es/staff/reports/"))
    visit.check("reports-calls")
    section = page.locator("section[aria-labelledby=h-calls-flow]")
    assert "Llamadas por mes y cómo terminaron" in section.inner_text()
    month_row = section.locator("tbody tr").nth(-2).inner_text()
    # Two calls with no service found are hidden, and so is what would give them away.
    assert "x" in month_row and "2" not in month_row.split()
    languages = page.locator("section[aria-labelledby=h-calls-languages]")
    assert "Español" in languages.inner_text()
    with page.expect_download() as download:
        languages.get_by_role("link").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("\ufeffIdioma,")
    visit.assert_no_problems()
