"""Factories shared by the whole suite. Reference data comes from the migrations."""

from datetime import date

import factory
from django.utils import timezone

from bali_portal.accounts.models import Role, User
from designations import services as designations
from registry.models import Country, Division, Forum, RegionalOffice
from requests_app.models import Request

DEFAULT_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    role = Role.COORDINATOR
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def focal_point(country: str = "KEN", **kwargs) -> User:
    """A country's focal point in office: with an approved designation, as the government's
    nomination and the regional office's approval would leave it (designations.services)."""
    user = UserFactory(role=Role.FOCAL_POINT, country=Country.objects.get(code=country), **kwargs)
    designations.record_designation(account=user, starts_on=date(2020, 1, 1))
    return user


def forum_focal_point(forum: str = "AMCEN", **kwargs) -> User:
    return UserFactory(role=Role.FORUM_FOCAL_POINT, forum=Forum.objects.get(code=forum), **kwargs)


def regional_staff(office: str = "ROA", **kwargs) -> User:
    return UserFactory(
        role=Role.REGIONAL_STAFF, regional_office=RegionalOffice.objects.get(code=office), **kwargs
    )


def division_staff(division: str = "DEPI", **kwargs) -> User:
    return UserFactory(
        role=Role.DIVISION_STAFF, division=Division.objects.get(code=division), **kwargs
    )


def coordinator(**kwargs) -> User:
    return UserFactory(role=Role.COORDINATOR, **kwargs)


def council(**kwargs) -> User:
    return UserFactory(role=Role.COUNCIL, **kwargs)


_sequence = iter(range(1, 10**6))


def make_request(
    country: str = "KEN",
    state: str = "draft",
    created_by: User | None = None,
    lead_division: str | None = None,
    supporting: tuple[str, ...] = (),
    forum: str | None = None,
    **fields,
) -> Request:
    """A request put straight into a state, for reading tests (writes go through services).
    ``forum``: a forum's request (``country`` is then ignored)."""
    if forum:
        asker = Forum.objects.select_related("regional_office").get(code=forum)
        asked = {"requester": "forum", "forum": asker}
        created_by = created_by or forum_focal_point(forum)
    else:
        asker = Country.objects.select_related("regional_office").get(code=country)
        asked = {"country": asker}
        created_by = created_by or focal_point(country)
    request = Request.objects.create(
        reference=f"{asker.code}-2026-{next(_sequence):04d}",
        **asked,
        regional_office=asker.regional_office,
        state=state,
        created_by=created_by,
        title=fields.pop("title", f"Request from {asker.code}"),
        submitted_at=None if state == "draft" else timezone.now(),
        lead_division=Division.objects.get(code=lead_division) if lead_division else None,
        **fields,
    )
    if supporting:
        request.supporting_divisions.set(Division.objects.filter(code__in=supporting))
    return request
