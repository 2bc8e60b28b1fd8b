"""The administration and the steward's pages on a phone (390 × 844): every page a steward or an
organisation's admin reaches there fits the screen, passes axe and has targets a thumb can hit."""

import pytest

pytestmark = pytest.mark.browser


def test_the_stewards_pages_fit_a_phone(phone, people):
    page = phone.sign_in(people["sara"])
    page.goto(phone.url("/es/admin/"))
    phone.check("admin-index")
    # Every list the administration offers the steward, as she would reach it from its index.
    lists = page.locator("#content-main a[href$='/']:not([href$='/add/'])").evaluate_all(
        "links => [...new Set(links.map(a => a.getAttribute('href')))]"
    )
    assert lists, page.locator("#content-main").inner_text()
    for path in [*lists, "/es/admin/services/importrun/start/"]:
        page.goto(phone.url(path))
        assert page.url.endswith(path), (path, page.url)
        phone.check("admin-" + path.strip("/").replace("/", "-"))
    for name, path in {
        "audit-log": "/es/staff/audit/",
        "api-tokens": "/es/staff/api-tokens/",
        "listings": "/es/staff/listings/",
        "suggestions": "/es/staff/listings/suggestions/",
        "members-index": "/es/staff/members/",
    }.items():
        page.goto(phone.url(path))
        phone.check(name)
    phone.assert_no_problems()
