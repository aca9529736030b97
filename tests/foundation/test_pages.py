import re
from pathlib import Path

import pytest
from django.conf import settings

from tests import factories

pytestmark = pytest.mark.django_db
EXTERNAL = re.compile(rb"""(?:src|href|action)\s*=\s*["'](?:https?:)?//""", re.I)


def nav_links(response):
    return set(re.findall(rb"<nav[^>]*>.*?</nav>", response.content, re.S)[0].split(b'href="')[1:])


def test_home_says_what_the_portal_is(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"technology support and capacity-building" in response.content.lower()
    assert b'href="#main"' in response.content  # skip link for keyboard users


def test_pages_load_nothing_from_other_hosts_and_send_a_strict_csp(client):
    for path in ["/", "/accounts/login/", "/api/v1/docs/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert not EXTERNAL.search(response.content), path
        assert "default-src 'self'" in response["Content-Security-Policy"]
    assert client.get("/").headers["Referrer-Policy"] == "same-origin"


def test_css_and_js_stay_light():
    assets = [
        p for p in Path(settings.BASE_DIR, "static").rglob("*") if p.suffix in {".css", ".js"}
    ]
    assert sum(p.stat().st_size for p in assets) < 30 * 1024


@pytest.mark.parametrize(
    "make_user,sees_reports",
    [
        (lambda: factories.focal_point("KEN"), False),
        (lambda: factories.regional_staff("ROA"), False),
        (lambda: factories.division_staff("DEPI"), False),
        (factories.coordinator, True),
        (factories.council, True),
    ],
)
def test_navigation_follows_the_role(client, make_user, sees_reports):
    anonymous = b"".join(nav_links(client.get("/")))
    assert b"/requests/" not in anonymous and b"/registry/" in anonymous
    user = make_user()
    client.force_login(user)
    links = b"".join(nav_links(client.get("/")))
    assert b"/requests/" in links
    assert (b"/reports/" in links) is sees_reports
    assert (b"/requests/queue/" in links) is (not user.is_focal_point)


def test_language_switcher_serves_chinese_and_arabic_right_to_left(client):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert 'lang="zh-hans"' in page
    assert "登录" in page  # "Log in"
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    page = client.get("/").content.decode()
    assert 'dir="rtl"' in page


def test_api_schema_and_docs(client):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/reference/countries/" in schema.content
    assert client.get("/api/v1/docs/").status_code == 200
