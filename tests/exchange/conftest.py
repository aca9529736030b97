"""People and records of the exchange's tests: Kenya's focal points and office (as the
requests' tests), a regional centre serving Kenya and Uganda, one serving Brazil, partners."""

from dataclasses import dataclass

import pytest

from bali_portal.accounts.models import Role
from exchange.models import RegionalCentre
from registry.models import Organization
from tests import factories
from tests.requests_app import focal


@dataclass
class Centres:
    east_africa: Organization  # serves Kenya and Uganda
    staff: object  # its programme officer
    colleague: object  # another officer of the same centre
    amazon: Organization  # serves Brazil only
    amazon_staff: object


def centre(name: str, acronym: str, countries) -> Organization:
    organization = Organization.objects.create(
        name=name, acronym=acronym, kind=Organization.Kind.REGIONAL_CENTRE
    )
    RegionalCentre.objects.create(organization=organization).countries.set(countries)
    return organization


def centre_staff(organization: Organization, **kwargs):
    return factories.UserFactory(role=Role.REGIONAL_CENTRE, organization=organization, **kwargs)


@pytest.fixture
def cast():
    return focal.people()


@pytest.fixture
def centres() -> Centres:
    east_africa = centre("Regional Centre for Mapping of Resources", "RCMRD", ["KEN", "UGA"])
    amazon = centre("Amazon Cooperation Treaty Organization", "ACTO", ["BRA"])
    return Centres(
        east_africa=east_africa,
        staff=centre_staff(east_africa, full_name="Grace Achieng"),
        colleague=centre_staff(east_africa, full_name="Peter Mwangi"),
        amazon=amazon,
        amazon_staff=centre_staff(amazon, full_name="Lucia Vargas"),
    )


@pytest.fixture
def partner() -> Organization:
    return focal.organization()
