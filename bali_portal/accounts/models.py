"""People of the portal: one role each, and the scope (country, office or division) it needs."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import Organization
from registry.reference import active_items


class Role(models.TextChoices):
    FOCAL_POINT = "focal_point", _("Country focal point")
    FORUM_FOCAL_POINT = "forum_focal_point", _("Forum focal point")
    REGIONAL_STAFF = "regional_staff", _("Regional office staff")
    DIVISION_STAFF = "division_staff", _("Division staff")
    COORDINATOR = "coordinator", _("BSP coordinator")
    COUNCIL = "council", _("Governing Council staff")
    # Staff of a regional centre of excellence (seed 004 §10(b)-(d)): scoped to its
    # organization in the registry, and through it to the countries the centre serves.
    REGIONAL_CENTRE = "regional_centre", _("Regional centre staff")


# The one scope field each role needs; every other scope field stays empty.
SCOPE_FIELD_OF_ROLE = {
    Role.FOCAL_POINT: "country",
    Role.FORUM_FOCAL_POINT: "forum",
    Role.REGIONAL_STAFF: "regional_office",
    Role.DIVISION_STAFF: "division",
    Role.COORDINATOR: None,
    Role.COUNCIL: None,
    Role.REGIONAL_CENTRE: "organization",
}
SCOPE_FIELDS = ("country", "regional_office", "division", "forum", "organization")


def _scope_condition(role: str, field: str | None) -> Q:
    condition = Q(role=role)
    for other in SCOPE_FIELDS:
        condition &= Q(**{f"{other}__isnull": other != field})
    return condition


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("role", Role.COORDINATOR)
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username):
        # Logins are case-insensitive: focal points type their address as they remember it.
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    country = models.ForeignKey(
        "registry.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="focal_points",
        verbose_name=_("country"),
    )
    regional_office = models.ForeignKey(
        "registry.RegionalOffice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("regional office"),
    )
    division = models.ForeignKey(
        "registry.Division",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("division"),
    )
    # A forum focal point files requests for one regional or subregional forum, UN body or MEA
    # secretariat (plan §14, §30, §31(g)).
    forum = models.ForeignKey(
        "registry.Forum",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="focal_points",
        verbose_name=_("forum"),
    )
    # A regional centre's organization (of kind regional centre: checked by the services).
    organization = models.ForeignKey(
        "registry.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("organization"),
    )
    language = models.CharField(
        _("language for e-mail"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("admin site access"),
        default=False,
        help_text=_("Whether the person can log into the administration site."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            # Every role carries exactly the scope it needs, and nothing else.
            models.CheckConstraint(
                condition=(
                    _scope_condition(Role.FOCAL_POINT, "country")
                    | _scope_condition(Role.FORUM_FOCAL_POINT, "forum")
                    | _scope_condition(Role.REGIONAL_STAFF, "regional_office")
                    | _scope_condition(Role.DIVISION_STAFF, "division")
                    | _scope_condition(Role.COORDINATOR, None)
                    | _scope_condition(Role.COUNCIL, None)
                    | _scope_condition(Role.REGIONAL_CENTRE, "organization")
                ),
                name="user_role_has_its_scope",
            ),
        ]

    def __str__(self):
        return self.public_name

    @property
    def public_name(self) -> str:
        """How the person is shown to others, in pages, the API, e-mail and files: their name,
        else what they are ("Staff of the Regional Office for Africa"), never their e-mail
        address, which a country has no business seeing."""
        return self.full_name or self.role_description

    @property
    def role_description(self) -> str:
        scope = self._scope_item()
        if self.role == Role.FOCAL_POINT and scope:
            return _("Focal point of %(country)s") % {"country": scope.label}
        if self.role == Role.REGIONAL_STAFF and scope:
            return _("Staff of the %(office)s") % {"office": scope.label}
        if self.role == Role.DIVISION_STAFF and scope:
            return _("Staff of the %(division)s") % {"division": scope.label}
        return str(self.get_role_display())

    def _scope_item(self):
        """The country, office or division of the role: as loaded with the user, else from the
        reference lists each process keeps (no query for each person shown in a list)."""
        name = SCOPE_FIELD_OF_ROLE.get(self.role)
        if name is None or getattr(self, f"{name}_id") is None:
            return None
        field = self._meta.get_field(name)
        if field.is_cached(self):
            return getattr(self, name)
        found = active_items(field.related_model).by_code.get(getattr(self, f"{name}_id"))
        return found or getattr(self, name)  # an inactive item: read it

    @property
    def colleague_label(self) -> str:
        """A colleague as their office chooses among its people: the address tells apart those
        without a name (never shown outside the office)."""
        return f"{self.full_name} ({self.email})" if self.full_name else self.email

    def clean(self):
        super().clean()
        needed = SCOPE_FIELD_OF_ROLE.get(self.role)
        errors = {}
        for field in SCOPE_FIELDS:
            has_value = getattr(self, f"{field}_id") is not None
            if field == needed and not has_value:
                errors[field] = _("This role needs a %(field)s.") % {
                    "field": self._meta.get_field(field).verbose_name
                }
            elif field != needed and has_value:
                errors[field] = _("This role has no %(field)s; leave it empty.") % {
                    "field": self._meta.get_field(field).verbose_name
                }
        if (
            self.role == Role.REGIONAL_CENTRE
            and self.organization_id
            and not errors
            and self.organization.kind != Organization.Kind.REGIONAL_CENTRE
        ):
            errors["organization"] = _("Choose an organization of kind regional centre.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_focal_point(self) -> bool:
        return self.role == Role.FOCAL_POINT

    @property
    def is_forum_focal_point(self) -> bool:
        return self.role == Role.FORUM_FOCAL_POINT

    @property
    def is_regional_staff(self) -> bool:
        return self.role == Role.REGIONAL_STAFF

    @property
    def is_division_staff(self) -> bool:
        return self.role == Role.DIVISION_STAFF

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def is_council(self) -> bool:
        return self.role == Role.COUNCIL

    @property
    def is_regional_centre(self) -> bool:
        return self.role == Role.REGIONAL_CENTRE

    @property
    def scope_label(self) -> str:
        scope = getattr(self, SCOPE_FIELD_OF_ROLE.get(self.role) or "", None)
        return str(scope) if scope else ""
