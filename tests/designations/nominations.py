"""Nominations as governments send them, and the officials around them."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from designations import services
from designations.demo import letter_pdf
from registry.models import Country


def letter(name: str = "designation.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, letter_pdf("The Government designates its focal point."), "application/pdf"
    )


def form_data(country: str = "KEN", email: str = "grace.wanjiku@environment.example.org", **more):
    """What the nomination page and the API take (codes, ISO dates)."""
    return {
        "country": country,
        "full_name": "Grace Wanjiku",
        "position": "Director, Multilateral Environmental Agreements",
        "ministry": "Ministry of Environment, Climate Change and Forestry",
        "email": email,
        "phone": "+254 20 273 0808",
        "starts_on": "2026-01-05",
        **more,
    }


def nominate(country: str = "KEN", email: str = "grace.wanjiku@environment.example.org", **more):
    """A nomination recorded through the service, as the public page records it."""
    values = form_data(country, email, **more)
    values["country"] = Country.objects.get(code=country)
    values["starts_on"] = date.fromisoformat(values["starts_on"])
    return services.nominate(values=values, letter=letter())
