"""A Good Faith Estimate as a document a patient can be handed: HTML from a template, PDF.

Both are drawn from the stored read model alone, so every format says the same thing.
"""

import unicodedata
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.estimates.schemas import GoodFaithEstimateRead
from app.estimates.wording import money

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def long_date(value: date | datetime) -> str:
    return f"{value:%B} {value.day}, {value.year}"


_TEMPLATES.filters["money"] = money
_TEMPLATES.filters["long_date"] = long_date


def good_faith_html(gfe: GoodFaithEstimateRead) -> str:
    return _TEMPLATES.get_template("good_faith_estimate.html").render(gfe=gfe)


# Letters with no decomposition into a Latin-1 letter and an accent.
_PLAIN_LETTERS = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "ı": "i", "Œ": "OE",
                                "œ": "oe", "Ŧ": "T", "ŧ": "t", "Ħ": "H", "ħ": "h"})  # fmt: skip


def _latin1(text: str) -> str:
    """The PDF's built-in fonts cover Latin-1: a letter beyond it loses its accent (ő → o,
    Ł → L) rather than the document failing; anything still left becomes `?`."""
    kept = []
    for character in text.translate(_PLAIN_LETTERS):
        if ord(character) < 256:
            kept.append(character)
            continue
        base = unicodedata.normalize("NFKD", character)
        kept.append("".join(c for c in base if not unicodedata.combining(c)))
    return "".join(kept).encode("latin-1", "replace").decode("latin-1")


class _Document(FPDF):
    def heading(self, text: str) -> None:
        self.ln(3)
        self.set_font("Helvetica", "B", 12)
        self.paragraph(text)
        self.set_font("Helvetica", "", 10)

    def paragraph(self, text: str) -> None:
        self.multi_cell(0, 5, _latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def good_faith_pdf(gfe: GoodFaithEstimateRead) -> bytes:
    pdf = _Document(format="Letter")
    pdf.set_title(_latin1(f"Good Faith Estimate for {gfe.patient_name}"))
    pdf.set_creation_date(gfe.issued_at)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.paragraph("Good Faith Estimate")
    pdf.set_font("Helvetica", "", 10)
    pdf.paragraph("Your estimated costs for health care items and services, under the No"
                  " Surprises Act.")  # fmt: skip
    pdf.heading("Patient")
    pdf.paragraph(f"Name: {gfe.patient_name}")
    pdf.paragraph(f"Date of birth: {long_date(gfe.patient_date_of_birth)}")
    pdf.heading("Provider")
    provider = gfe.provider
    for line in (provider.name, f"NPI: {provider.npi}", f"TIN: {provider.tin}",
                 f"Location: {provider.location}"):  # fmt: skip
        pdf.paragraph(line)
    pdf.heading("Service")
    pdf.paragraph(gfe.primary_service)
    if gfe.service_starts_on is not None:
        pdf.paragraph(f"First day of service: {long_date(gfe.service_starts_on)}")
    pdf.heading("Expected items and services")
    for item in gfe.items:
        codes = ", ".join(item.diagnosis_codes) or "none given"
        for line in (
            item.description,
            f"Service code: HCPCS {item.service_code}; revenue code {item.revenue_code}",
            f"Diagnosis codes: {codes}",
            f"{item.quantity} treatment days at {money(item.unit_charge)} a day;"
            f" discount {money(item.discount)}",
            f"Expected charge: {money(item.expected_charge)}",
        ):
            pdf.paragraph(line)
    pdf.set_font("Helvetica", "B", 12)
    pdf.paragraph(f"Total estimated charge: {money(Decimal(gfe.total_expected_charge))}")
    pdf.heading("Items and services scheduled separately")
    for entry in gfe.separately_scheduled:
        pdf.paragraph(f"- {entry}")
    pdf.heading("What you should know")
    for disclaimer in gfe.disclaimers:
        pdf.paragraph(disclaimer)
        pdf.ln(1)
    if gfe.assumptions:
        pdf.heading("How this estimate was made")
        for assumption in gfe.assumptions:
            pdf.paragraph(f"- {assumption}")
    pdf.ln(3)
    dates = [f"Issued: {long_date(gfe.issued_at)}."]
    if gfe.scheduled_on is not None:
        dates.append(f"Scheduled: {long_date(gfe.scheduled_on)}.")
    if gfe.requested_on is not None:
        dates.append(f"Requested: {long_date(gfe.requested_on)}.")
    if gfe.due_on is not None:
        dates.append(f"Due by: {long_date(gfe.due_on)}.")
    pdf.paragraph(" ".join(dates))
    pdf.paragraph(gfe.due_rule)
    pdf.paragraph(f"Estimate {gfe.id}")
    return bytes(pdf.output())
