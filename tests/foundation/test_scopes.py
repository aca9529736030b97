"""The scope rules of design.md ("Who sees what"), once per role, from the one selector."""

import pytest

from requests_app.selectors import capacities_of, requests_visible_to
from tests import factories
from tests.factories import make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Requests of three regions in several states, one routed to DEPI with DELC supporting."""
    return {
        "ken_draft": make_request("KEN", "draft"),
        "ken_submitted": make_request("KEN", "submitted"),
        "ken_routed": make_request("KEN", "routed", lead_division="DEPI", supporting=("DELC",)),
        "egy_review": make_request("EGY", "under_review"),
        "npl_routed": make_request("NPL", "routed", lead_division="DTIE"),
        "npl_draft": make_request("NPL", "draft"),
        "bra_closed": make_request("BRA", "closed", lead_division="DEPI"),
    }


def visible(user):
    return set(requests_visible_to(user).values_list("reference", flat=True))


def refs(world, *names):
    return {world[name].reference for name in names}


def test_focal_point_sees_its_countrys_requests_drafts_included(world):
    assert visible(factories.focal_point("KEN")) == refs(
        world, "ken_draft", "ken_submitted", "ken_routed"
    )


def test_every_focal_point_of_a_country_shares_its_requests(world):
    colleague = factories.focal_point("KEN")
    assert world["ken_draft"].created_by != colleague
    assert world["ken_draft"].reference in visible(colleague)


def test_regional_staff_see_non_draft_requests_of_their_region(world):
    assert visible(factories.regional_staff("ROA")) == refs(
        world, "ken_submitted", "ken_routed", "egy_review"
    )
    assert visible(factories.regional_staff("ROAP")) == refs(world, "npl_routed")
    assert visible(factories.regional_staff("RONA")) == set()


def test_division_staff_see_requests_routed_to_them_lead_or_supporting(world):
    assert visible(factories.division_staff("DEPI")) == refs(world, "ken_routed", "bra_closed")
    assert visible(factories.division_staff("DELC")) == refs(world, "ken_routed")
    assert visible(factories.division_staff("DEWA")) == set()


def test_coordinator_and_council_see_every_non_draft_request(world):
    non_drafts = {request.reference for name, request in world.items() if "draft" not in name}
    assert visible(factories.coordinator()) == non_drafts
    assert visible(factories.council()) == non_drafts


def test_anonymous_and_inactive_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert visible(AnonymousUser()) == set()
    assert visible(factories.focal_point("KEN", is_active=False)) == set()


def test_capacities_say_in_which_role_a_user_acts_on_a_request(world):
    routed = world["ken_routed"]
    assert capacities_of(factories.focal_point("KEN"), routed) == {"focal_point"}
    assert capacities_of(factories.regional_staff("ROA"), routed) == {"regional_staff"}
    assert capacities_of(factories.division_staff("DEPI"), routed) == {"lead_division"}
    assert capacities_of(factories.division_staff("DELC"), routed) == {"supporting_division"}
    assert capacities_of(factories.division_staff("DEWA"), routed) == set()
    assert capacities_of(factories.focal_point("EGY"), routed) == set()
    assert capacities_of(factories.council(), routed) == {"council"}


def test_the_database_refuses_a_role_without_its_scope():
    from django.db import IntegrityError, transaction

    from bali_portal.accounts.models import Role, User

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("noscope@example.org", "pw", role=Role.FOCAL_POINT)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("two@example.org", "pw", role=Role.COUNCIL, country_id="KEN")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", [1, 2])
def test_reference_data_is_there_in_every_transactional_test(run):
    from registry.models import Country

    assert Country.objects.filter(code="KEN", regional_office="ROA").exists()
