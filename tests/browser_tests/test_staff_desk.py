"""The hotline desk in Chromium, on a phone and at a desk, as a call goes: a woman in Cúcuta with
two children, Spanish, no ID, needs a safe place tonight. From the desk to a sent referral in
under eight interactions (each fill, tick, key press or tap is counted); then the caller's code,
read out wrongly, finds the referral; then the call is counted with one tap."""

import pytest

from tests.browser_tests.staff import in_own_thread

pytestmark = pytest.mark.browser

MAX_INTERACTIONS = 7  # "under 8"


class Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, action, *args, **kwargs):
        self.count += 1
        return action(*args, **kwargs)


def misread(code: str) -> str:
    body = code.removeprefix("ENL-").replace("-", "")
    return "enl " + body.lower().replace("0", "o").replace("1", "i")[:4] + " " + body.lower()[4:]


def _tallies() -> int:
    from referrals.models import CallTally

    return CallTally.objects.filter(outcome="referred", need__code="housing").count()


def _referral(code: str) -> dict:
    from referrals.models import Referral

    referral = Referral.objects.get(code=code)
    return {
        "language": referral.client_language,
        "needs": sorted(t.code for t in referral.needs.all()),
        "status": referral.status,
        "children": referral.children,
    }


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_call_from_the_desk_to_a_sent_referral_a_found_code_and_a_counted_call(
    request, people, django_db_blocker, size
):
    visit = request.getfixturevalue(size)
    page = visit.sign_in(people["hana"])
    act = Counter()
    # The desk is a hotline member's home: signing in lands there, the staff menu above it.
    assert page.url.endswith("/es/staff/find/"), page.url
    assert page.locator("nav.staff-nav a[aria-current=page]").count() == 1
    visit.check("desk")
    # The search, typed as the caller says it.
    act(page.fill, "input[name=q]", "refugio Cúcuta")
    act(page.check, "input[name=population][value=women]")
    act(page.fill, "input[name=children]", "2")
    act(page.press, "input[name=children]", "Enter")
    page.wait_for_load_state()
    visit.check("desk-results")
    cards = page.locator("[data-card]")
    assert cards.count() >= 1
    first = cards.first
    text = first.inner_text()
    assert "Mujeres" in text or "Women" in text
    assert "Familias" in text or "Families" in text
    # No ID: the card says so without a filter tap.
    assert "Sin documento de identidad" in text
    assert first.locator("a[href^='tel:']").count() >= 1
    # The search is not in the address bar, nor in the history.
    assert "Cúcuta" not in page.url and "refugio" not in page.url
    # Keyboard first: the first result has the focus; R refers the person to it.
    assert page.evaluate("document.activeElement.hasAttribute('data-card')")
    act(page.keyboard.press, "r")
    page.wait_for_url("**/staff/referrals/new/**")
    visit.check("desk-referral-form")
    assert page.locator("select[name=client_language]").input_value() == "es"
    assert page.locator("input[name=needs]:checked").count() >= 1
    act(page.check, "input[name=client_agrees]")
    act(page.click, "form.stack button[type=submit]")
    page.wait_for_url("**/made/")
    assert act.count <= MAX_INTERACTIONS, act.count
    code = page.locator(".secret").inner_text().strip()
    with django_db_blocker.unblock():
        made = in_own_thread(lambda: _referral(code))
    # The two children of the search travel into the referral, with no tap of their own.
    assert made == {"language": "es", "needs": made["needs"], "status": "sent", "children": 2}
    assert made["needs"], "the searched need travels into the referral"

    # The caller reads the code back wrongly: small letters, spaces, O for 0 and I for 1.
    page.fill("#nav-code", misread(code))
    page.press("#nav-code", "Enter")
    page.wait_for_load_state()
    assert "/staff/referrals/" in page.url and page.locator("main").inner_text().count(code) >= 1
    visit.check("desk-code-found")

    # Back to the same search, and the call counted with one tap.
    with django_db_blocker.unblock():
        before = in_own_thread(_tallies)
    page.goto(visit.url("/es/staff/find/"))
    assert page.locator("input[name=q]").input_value() == "refugio Cúcuta"
    page.locator(".desk-call button[value=referred]").click()
    page.wait_for_load_state()
    visit.check("desk-call-counted")
    with django_db_blocker.unblock():
        assert in_own_thread(_tallies) == before + 1
    visit.assert_no_problems()
