"""People and requests for the focal point's tests (issue 3): owner, colleague, outsiders.

Requests are brought to each state through the services, as people would.
"""

import io
import zipfile
from dataclasses import dataclass
from datetime import date

from registry.models import Organization
from requests_app import services
from requests_app.models import Request
from tests import factories


@dataclass
class People:
    owner: object  # a focal point of Kenya, who starts the requests
    colleague: object  # another focal point of Kenya
    office: object  # staff of the Africa office, which receives Kenya's requests
    office_colleague: object
    lead: object  # staff of DEPI, the lead division once routed
    coordinator: object
    council: object
    outsider_focal_point: object  # a focal point of Brazil
    outsider_office: object  # staff of the Latin America and Caribbean office

    @property
    def outsiders(self):
        return [self.outsider_focal_point, self.outsider_office]


def people() -> People:
    return People(
        owner=factories.focal_point("KEN", full_name="Wanjiru Kamau"),
        colleague=factories.focal_point("KEN", full_name="Otieno Odhiambo"),
        office=factories.regional_staff("ROA", full_name="Amina Diallo"),
        office_colleague=factories.regional_staff("ROA", full_name="Kofi Mensah"),
        lead=factories.division_staff("DEPI", full_name="Lena Berg"),
        coordinator=factories.coordinator(full_name="Maria Rossi"),
        council=factories.council(full_name="Jean Dupont"),
        outsider_focal_point=factories.focal_point("BRA", full_name="Ana Souza"),
        outsider_office=factories.regional_staff("ROLAC", full_name="Diego Pérez"),
    )


def complete_values(title: str = "Mercury-free artisanal gold mining") -> dict:
    return {
        "title": title,
        "description": "Train miners' cooperatives in mercury-free gold processing.",
        "national_priorities": "Minamata national action plan on artisanal gold mining.",
        "thematic_areas": ["T07", "T10"],
        "support_types": ["training"],
        "scope": "national",
        "desired_start": date(2026, 9, 1),
        "duration_months": 12,
    }


def draft(cast: People, **values) -> Request:
    return services.create_draft(actor=cast.owner, values=values or complete_values())


def organization() -> Organization:
    found, _ = Organization.objects.get_or_create(
        name="United Nations Development Programme",
        defaults={"acronym": "UNDP", "kind": Organization.Kind.UN_BODY},
    )
    return found


STEPS = {
    "submit": ("owner", {}),
    "acknowledge": ("office", {}),
    "request_info": ("office", {"message": "Which counties would the training cover?"}),
    "provide_info": ("owner", {"message": "Migori and Kakamega counties."}),
    "route": ("office", {"lead_division": "DEPI", "supporting_divisions": ["DELC"]}),
    "accept": ("lead", {"response_plan": "Two trainings, then national follow-up."}),
    "complete": (
        "lead",
        {
            "people_trained_female": 31,
            "people_trained_male": 27,
            "outputs": "Training manual.",
            "cost_usd": "48500.00",
            "lessons": "Cooperatives reached women miners.",
        },
    ),
    "close": ("office", {}),
}


def advance(request: Request, cast: People, *actions: str) -> Request:
    for action in actions:
        who, data = STEPS[action]
        services.perform_action(
            request=request, actor=getattr(cast, who), action=action, data=dict(data)
        )
    request.refresh_from_db()
    return request


def submitted(cast: People, **values) -> Request:
    return advance(draft(cast, **values), cast, "submit")


# --- Files, built in memory, for the attachment tests --------------------------------------------

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE_BYTES = b"MZ\x90\x00" + b"\x00" * 60


def _zip(members: dict[str, str]) -> bytes:
    # Fixed member dates, so that the same document is the same bytes each time it is built.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, text in members.items():
            package.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})


def odt_bytes() -> bytes:
    # The ODF package's first member, stored uncompressed, names its type.
    return _zip(
        {
            "mimetype": "application/vnd.oasis.opendocument.text",
            "content.xml": "<office:document-content/>",
        }
    )


def plain_zip_bytes() -> bytes:
    return _zip({"notes.txt": "not a document"})
