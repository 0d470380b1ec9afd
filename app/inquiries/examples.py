"""Examples of the website's insurance inquiry, its conversion and its closure, for the OpenAPI
document."""

from typing import Any

INQUIRY: dict[str, Any] = {
    "given_name": "Alex",
    "family_name": "Rivera",
    "date_of_birth": "1990-05-17",
    "email": "alex.rivera@example.org",
    "phone": "+1 413 555 0199",
    "payer_name": "Blue Harbor Health Plan",
    "member_id": "BHP123456789",
    "consents_to_contact": True,
}

CONVERSION: dict[str, Any] = {
    "payer_type": "commercial",
    "payer_id": "60054",
    "group_number": "GRP-0042",
    "service_starts_on": "2026-03-09",
    "service_ends_on": "2026-06-05",
}

CLOSURE: dict[str, Any] = {
    "reason": "unreachable",
    "note": "Three calls and an email over two weeks, no answer.",
}

ACCEPTED: dict[str, Any] = {"id": "0195f2c4-8d9e-7f0a-9b1c-2d3e4f5a6b7c", "status": "received"}
