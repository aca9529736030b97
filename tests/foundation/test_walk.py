"""Every main page of every role, in each of the six UN languages, on a phone (360x740) and a
desktop (1280x900), in a real Chromium (issue 17): no sideways scrolling, no English string the
catalog translates, no raw code where a name exists, and axe-core finds no violation of WCAG 2.2
A/AA.

The walk is long; it runs once per CI run, in the embedded (SQLite) pass.
"""

import pytest
from django.core.management import call_command
from django.db import connection

from bali_portal.accounts.demo import DEMO_PASSWORD
from registry.models import Activity
from requests_app.models import Request
from requests_app.workflow import State
from tests.foundation import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["en", "fr", "es", "ru", "zh-hans", "ar"]
VIEWPORTS = [{"width": 360, "height": 740}, {"width": 1280, "height": 900}]


def main_pages() -> dict[str | None, list[str]]:
    """Login e-mail (None: anonymous) -> the pages that person uses most."""
    activity = Activity.objects.order_by("pk").first()
    kenya = Request.objects.filter(country_id="KEN").exclude(state=State.DRAFT).order_by("pk")
    routed = Request.objects.filter(lead_division_id="DEPI").order_by("pk").first()
    anonymous = ["/", "/accounts/login/", "/registry/", "/registry/forums/", "/focal-points/"]
    if activity:
        anonymous.append(activity.get_absolute_url())
    kenya_request = f"/requests/{kenya.first().reference}/" if kenya.exists() else None
    return {
        None: anonymous,
        "focal.point@kenya.example.org": [
            "/requests/", "/requests/new/", *([kenya_request] if kenya_request else []),
        ],
        "focal.point@amcen.example.org": ["/requests/"],
        "officer@roa.example.org": [
            "/requests/queue/", *([kenya_request] if kenya_request else []),
        ],
        "officer@depi.example.org": [
            "/requests/queue/", *([f"/requests/{routed.reference}/"] if routed else []),
        ],
        "coordinator@unep.example.org": ["/requests/queue/", "/reports/"],
        "council@unep.example.org": ["/requests/", "/reports/"],
        "centre@icimod.example.org": ["/registry/centre/"],
    }  # fmt: skip


def log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_every_main_page_of_every_role_in_six_languages_on_a_phone_and_a_desktop(
    browser, live_server
):
    if connection.vendor != "sqlite":
        pytest.skip("walked once per CI run, in the embedded (SQLite) pass")
    call_command("seed_demo", verbosity=0)
    script = walk.axe_script()
    problems: list[str] = []
    pages = main_pages()
    walked = 0
    for email, paths in pages.items():
        context = browser.new_context(base_url=live_server.url, bypass_csp=True)
        context.set_default_timeout(20_000)
        page = context.new_page()
        if email:
            log_in(page, email)
        for language in LANGUAGES:
            context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )
            for viewport in VIEWPORTS:
                page.set_viewport_size(viewport)
                for path in paths:
                    where = f"[{language} {viewport['width']}px {email or 'anonymous'}] {path}"
                    response = page.goto(path)
                    walked += 1
                    if response is None or response.status != 200:
                        problems.append(f"{where}: status {response and response.status}")
                        continue
                    if (overflow := walk.horizontal_overflow(page)) > 0:
                        problems.append(f"{where}: scrolls sideways by {overflow} px")
                    texts = page.evaluate(walk.VISIBLE_TEXT_JS)
                    if language != "en" and (missing := walk.untranslated(texts, language)):
                        problems.append(f"{where}: untranslated {missing[:8]}")
                    if codes := walk.raw_codes(texts):
                        problems.append(f"{where}: raw codes in {codes[:5]}")
                    # One axe run per page and viewport: contrast and reflow differ by width.
                    if violations := walk.axe_violations(page, script):
                        problems.append(f"{where}: axe {violations}")
        context.close()
    assert walked >= 6 * 2 * 15
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_the_favicon_is_found(client):
    from django.contrib.staticfiles import finders
    from django.templatetags.static import static

    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == static("img/favicon.svg")
    assert finders.find("img/favicon.svg")
    assert 'href="/static/img/favicon.svg"' in client.get("/").content.decode()
