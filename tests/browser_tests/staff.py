"""What the staff browser tests share: named members of two demo organisations, signing in as a
person does (password, then a code from the authenticator or a backup code), and the checks every
staff page must pass (no wider than a phone, no serious axe violation, a screenshot to look at).

Database work runs in its own thread: Playwright's event loop in the test's thread makes Django
refuse synchronous database calls there.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import totp
from playwright.sync_api import Browser, Page

from tests.browser_tests.conftest import SCREENSHOTS, Visit

PASSWORD = "a long pass phrase for the browser"  # noqa: S105 (the test members')
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
SERIOUS = {"serious", "critical"}
DEVICES = 8

T = TypeVar("T")


def in_own_thread(work: Callable[[], T]) -> T:
    """Run database work beside Playwright and close that thread's connection afterwards."""
    from django.db import connection

    def run() -> T:
        try:
            return work()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


@dataclass
class Member:
    """A member and their authenticators. A code is accepted once per 30-second step and
    device, so each sign-in in a run uses the next of several devices instead of waiting."""

    username: str
    keys: list[bytes]
    organization_id: Any
    backup_codes: list[str] = field(default_factory=list)
    used: int = 0

    def code(self) -> str:
        key = self.keys[self.used % len(self.keys)]
        self.used += 1
        return f"{totp(key):06d}"


class StaffVisit(Visit):
    """A browser context of one size; `check` runs on every staff page the test reaches."""

    def __init__(self, context: Any, base_url: str, *, size: str, axe: Axe) -> None:
        super().__init__(context, base_url)
        self.size = size
        self.axe = axe
        self.width = PHONE["width"] if size == "phone" else DESKTOP["width"]
        self.problems: dict[str, list[str]] = {}

    def sign_in(self, member: Member, *, code: str | None = None, check: bool = True) -> Page:
        page = self.goto("/es/staff/sign-in/")
        if check:
            self.check("sign-in")
        page.fill("input[name=username]", member.username)
        page.fill("input[name=password]", PASSWORD)
        page.get_by_role("button", name="Continuar").click()
        page.wait_for_url("**/two-factor/**")
        if check:
            self.check("two-factor")
        page.fill("input[name=code]", code or member.code())
        page.get_by_role("button", name="Iniciar sesión").click()
        page.wait_for_load_state()
        assert "/two-factor/" not in page.url, page.locator("main").inner_text()
        return page

    def check(self, name: str) -> None:
        """Screenshot, width and axe for the page as it is now. Problems are collected and
        asserted at the end of the test, so that one run shows every page's problems."""
        page = self.page
        page.wait_for_load_state()
        shot = f"staff-{name}-{self.size}"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"), full_page=True)
        found = []
        width = page.evaluate("document.scrollingElement.scrollWidth")
        if width > self.width:
            found.append(f"{width} px wide at {self.width} px: {self._widest()}")
        results = self.axe.run(page)
        for violation in results.response["violations"]:
            if violation.get("impact") in SERIOUS:
                targets = [node["target"] for node in violation["nodes"][:3]]
                found.append(f"axe {violation['id']}: {violation['help']} {targets}")
        if self.size == "phone":
            found.extend(self._small_targets())
        if found:
            self.problems[f"{shot} {self.path()}"] = found

    def _widest(self) -> list[str]:
        return self.page.evaluate(
            """(limit) => [...document.querySelectorAll('main *')]
                .filter(e => e.getBoundingClientRect().right > limit + 1)
                .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(
                    e.getBoundingClientRect().right))""",
            self.width,
        )

    def _small_targets(self) -> list[str]:
        """Buttons, selects and text fields under 44 px tall, and checkboxes or radios whose
        label (the thing a finger hits) is under 44 px tall; plain links inside text are
        exempt, as WCAG 2.5.8 exempts them."""
        small = self.page.evaluate(
            """() => {
                const out = [];
                const tall = (e) => e.getBoundingClientRect().height >= 43.5;
                const seen = (e) => e.offsetParent !== null;
                for (const e of document.querySelectorAll(
                        'main button, main select, main input, main textarea, main .button')) {
                    if (!seen(e) || e.type === 'hidden') continue;
                    if (e.type === 'checkbox' || e.type === 'radio') {
                        const label = e.closest('label') || (e.id && document.querySelector(
                            'label[for="' + e.id + '"]'));
                        if (!label || !tall(label)) out.push('label of ' + (e.name || e.id));
                    } else if (!tall(e)) {
                        out.push(e.tagName + ' ' + (e.name || e.textContent.trim().slice(0, 30)));
                    }
                }
                return out.slice(0, 8);
            }"""
        )
        return [f"under 44 px: {target}" for target in small]

    def assert_no_problems(self) -> None:
        assert not self.problems, self.problems


def new_staff_visit(browser: Browser, site: Any, axe: Axe, size: str) -> StaffVisit:
    phone = size == "phone"
    context = browser.new_context(
        viewport=PHONE if phone else DESKTOP,
        device_scale_factor=1,
        is_mobile=phone,
        has_touch=phone,
        locale="es-CO",
        timezone_id="America/Bogota",
    )
    return StaffVisit(context, site.url, size=size, axe=axe)


def make_people() -> dict[str, Member]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import backup_codes
    from accounts.models import BackupCode, BackupCodeDevice, User
    from services.models import Organization
    from tests.factories import MembershipFactory

    partners = list(
        Organization.objects.filter(is_verified_partner=True, name__endswith="(demo)")
        .filter(services__isnull=False)
        .distinct()
        .order_by("name")[:2]
    )
    referring, receiving = partners
    cast = {
        "rosa": (referring, "caseworker"),
        "ivan": (receiving, "intake"),
        "alma": (receiving, "org_admin"),
        "sara": (referring, "steward"),
        "beto": (referring, "caseworker"),
        "lola": (referring, "caseworker"),
        "nora": (receiving, "caseworker"),
        "hana": (referring, "hotline"),
        "hugo": (receiving, "hotline"),
    }
    people = {}
    for name, (organization, role) in cast.items():
        user = User.objects.create_user(
            name, email=f"{name}@demo.invalid", password=PASSWORD, first_name=name.title()
        )
        if name == "sara":
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        MembershipFactory(user=user, organization=organization, role=role)
        devices = [
            TOTPDevice.objects.create(user=user, name=f"phone {n}", confirmed=True)
            for n in range(DEVICES)
        ]
        people[name] = Member(name, [d.bin_key for d in devices], organization.pk)
    codes = [backup_codes.new_code() for _ in range(3)]
    device = BackupCodeDevice.objects.create(
        user=User.objects.get(username="beto"), name="backup", confirmed=True
    )
    BackupCode.objects.bulk_create(
        BackupCode(device=device, code_hash=backup_codes.hash_code(code)) for code in codes
    )
    people["beto"].backup_codes = codes
    return people


def receiving_service(people: dict[str, Member]) -> tuple[str, str]:
    """The id and name of a published service of ivan's organisation."""
    from referrals.staff import referable_services

    service = (
        referable_services()
        .filter(organization_id=people["ivan"].organization_id)
        .order_by("name")
        .first()
    )
    return str(service.pk), service.name


def make_referral_for(people: dict[str, Member], *, accepted: bool = False) -> str:
    """A referral from rosa's organisation to ivan's, made as the page would; its id."""
    from accounts.models import User
    from referrals.actions import ConsentInput, HandoffInput, ReferralInput, make_referral
    from referrals.staff import referable_services
    from referrals.transitions import Side, transition
    from services.models import Organization

    service = (
        referable_services()
        .filter(organization_id=people["ivan"].organization_id)
        .order_by("name")
        .first()
    )
    referral = make_referral(
        actor=User.objects.get(username="rosa"),
        organization=Organization.objects.get(pk=people["rosa"].organization_id),
        details=ReferralInput(service=service, client_language="es", urgency="urgent"),
        consent=ConsentInput(
            method="verbal", explained_language="es", shares_contact=True, contact_channel="phone"
        ),
        handoff=HandoffInput(name="Mar", phone="+57 300 000 0000"),
    )
    if accepted:
        transition(
            referral.pk,
            "accept",
            actor=User.objects.get(username="ivan"),
            acting_side=Side.RECEIVING,
        )
    return str(referral.pk)
