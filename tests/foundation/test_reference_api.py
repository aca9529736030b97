import pytest

pytestmark = pytest.mark.django_db

EXPECTED_OFFICES = {
    "KEN": "ROA",
    "EGY": "ROA",
    "CHN": "ROAP",
    "THA": "ROAP",
    "FJI": "ROAP",
    "JOR": "ROWA",
    "YEM": "ROWA",
    "BRA": "ROLAC",
    "HTI": "ROLAC",
    "KAZ": "ROE",
    "GEO": "ROE",
    "USA": "RONA",
    "PSE": "ROWA",
    "TUR": "ROE",
    "ISR": "ROE",
    "CYP": "ROE",
}


def get_list(api_client, name):
    response = api_client.get(f"/api/v1/reference/{name}/")
    assert response.status_code == 200
    return response.json()


def test_thematic_areas_are_the_nineteen_of_the_plan_in_order(api_client):
    items = get_list(api_client, "thematic-areas")
    assert [item["code"] for item in items] == [f"T{n:02d}" for n in range(1, 20)]
    assert items[1]["name"] == "Climate change"
    assert items[1]["name_zh"] == "气候变化问题"


def test_cross_cutting_issues_are_the_thirteen_of_the_plan(api_client):
    items = get_list(api_client, "cross-cutting-issues")
    assert [item["code"] for item in items] == [f"X{n:02d}" for n in range(1, 14)]
    assert items[12]["name_zh"] == "在环境政策囊括把性别问题作为主流事项纳入的战略"


def test_six_regional_offices_and_six_divisions(api_client):
    offices = {item["code"] for item in get_list(api_client, "regional-offices")}
    divisions = {item["code"] for item in get_list(api_client, "divisions")}
    assert offices == {"ROA", "ROAP", "ROE", "ROLAC", "RONA", "ROWA"}
    assert divisions == {"DEWA", "DELC", "DTIE", "DEPI", "DRC", "DCPI"}


def test_every_un_member_state_and_palestine_with_its_office(api_client):
    countries = get_list(api_client, "countries")
    assert len(countries) >= 194
    by_code = {item["code"]: item for item in countries}
    for code, office in EXPECTED_OFFICES.items():
        assert by_code[code]["regional_office"] == office, code
    assert all(item["regional_office"] and item["name_zh"] for item in countries)
    per_office = {}
    for item in countries:
        per_office[item["regional_office"]] = per_office.get(item["regional_office"], 0) + 1
    assert per_office["ROA"] == 54
    assert per_office["ROWA"] == 12
    assert per_office["ROLAC"] == 33
    assert per_office["RONA"] == 2


def test_support_types_and_meas_use_the_stable_codes(api_client):
    assert {item["code"] for item in get_list(api_client, "support-types")} == {
        "training",
        "advisory",
        "legal",
        "technology",
        "assessment",
        "institutional",
        "exchange",
        "fellowship",
        "equipment",
        "awareness",
        # Help to reach a source of assistance (issue 19, seed 004 §2(b)).
        "funding_access",
    }
    meas = {item["code"] for item in get_list(api_client, "meas")}
    assert {"CBD", "CARTAGENA", "STOCKHOLM", "MINAMATA", "UNFCCC", "UNCCD", "MONTREAL"} <= meas


def test_reference_item_detail_by_code_and_label_follows_language(api_client):
    response = api_client.get("/api/v1/reference/countries/KEN/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert response.json()["label"] == "肯尼亚"
    assert api_client.get("/api/v1/reference/countries/XXX/").status_code == 404


def test_reference_data_is_read_only(api_for):
    from tests.factories import coordinator

    api = api_for(coordinator())
    response = api.post("/api/v1/reference/thematic-areas/", {"code": "T20", "name": "x"})
    assert response.status_code == 405
