"""The reports page in Chromium, on a phone and a desktop: the steward reads the counts of the
whole directory (charts with their tables, hidden small counts), the organisation admin her
organisation's; every page passes the staff checks (width, axe, 44 px targets)."""

import pytest

from tests.browser_tests.staff import in_own_thread, make_referral_for

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def referrals(people, django_db_blocker):
    with django_db_blocker.unblock():
        return in_own_thread(
            lambda: [make_referral_for(people, accepted=n % 2 == 0) for n in range(7)]
        )


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_steward_reads_the_reports_on_a_phone_and_a_desktop(request, people, referrals, size):
    visit = request.getfixturevalue(size)
    page = visit.sign_in(people["sara"], check=False)
    page.get_by_role("link", name="Informes").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/es/staff/reports/")
    visit.check("reports")
    main = page.locator("main")
    assert main.locator("svg.chart").count() == 3
    assert main.locator("svg.chart title").first.text_content() == "Derivaciones enviadas cada mes"
    assert "Derivaciones por mes y resultado" in main.inner_text()
    assert main.get_by_role("link", name="Descargar esta tabla (CSV)").count() >= 4
    page.select_option("select[name=months]", "24")
    main.locator("form.filters").get_by_role("button", name="Mostrar", exact=True).click()
    page.wait_for_load_state()
    # The address bar keeps no query (site.js); the page itself shows the period chosen.
    assert page.locator("select[name=months]").input_value() == "24"
    assert main.locator("#h-flow ~ .pair tbody tr").count() == 24 + 1  # and the totals
    visit.check("reports-24-months")
    visit.assert_no_problems()


def test_the_organisation_admin_reads_her_organisations_counts(desktop, people, referrals):
    page = desktop.sign_in(people["alma"], check=False)
    page.goto(desktop.url("/es/staff/reports/"))
    desktop.check("reports-admin")
    assert "que tu organización envió o recibió" in page.locator("main").inner_text()
    desktop.assert_no_problems()


def test_a_caseworker_has_no_reports(desktop, people):
    page = desktop.sign_in(people["rosa"], check=False)
    assert page.get_by_role("link", name="Informes").count() == 0
    response = page.goto(desktop.url("/es/staff/reports/"))
    assert response.status == 404
