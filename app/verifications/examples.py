"""Examples of the partner flow for the OpenAPI document: staff ask, the partner lists, fetches
the 270 (built by the real code, so it cannot drift) and answers."""

from datetime import UTC, date, datetime
from typing import Any

from app.verifications import x12

VERIFICATION_ID = "0195f2a0-7b3c-7d2e-9c1a-4b5d6e7f8a90"

CREATE: dict[str, Any] = {
    "patient_id": "0195f29c-1d4e-7a10-8b2c-3d4e5f607182",
    "coverage_id": "0195f29e-5a6b-7c8d-9e0f-1a2b3c4d5e6f",
    "service_types": ["MH", "AI", "A8"],
    "service_starts_on": "2026-03-09",
    "service_ends_on": "2026-06-05",
    "provider_npi": "1234567893",
}

STAFF_READ: dict[str, Any] = {
    "id": VERIFICATION_ID,
    "patient_id": CREATE["patient_id"],
    "coverage_id": CREATE["coverage_id"],
    "payer_id": "60054",
    "status": "pending",
    "service_types": ["MH", "AI", "A8"],
    "service_starts_on": "2026-03-09",
    "service_ends_on": "2026-06-05",
    "provider_npi": "1234567893",
    "requested_at": "2026-03-02T15:00:00Z",
    "started_at": None,
    "finished_at": None,
    "verified_on": None,
    "benefits": None,
    "failure_reason": None,
    "answered_as": None,
    "version": 1,
}

# What a payer key sees of that request: no internal ids of the patient or the coverage.
PARTNER_READ: dict[str, Any] = {
    "id": VERIFICATION_ID,
    "status": "pending",
    "payer_id": "60054",
    "patient": {"given_name": "Alex", "family_name": "Rivera", "date_of_birth": "1990-05-17"},
    "member_id": "BHP123456789",
    "group_number": "GRP-0042",
    "service_types": ["MH", "AI", "A8"],
    "service_starts_on": "2026-03-09",
    "service_ends_on": "2026-06-05",
    "requested_at": "2026-03-02T15:00:00Z",
    "admission_id": "0195f29f-0c1d-7e2f-8a3b-4c5d6e7f8091",
}

PARTNER_PAGE: dict[str, Any] = {"items": [PARTNER_READ], "total": 1, "limit": 50, "offset": 0}

PARTNER_COMPLETED: dict[str, Any] = PARTNER_READ | {"status": "completed"}

INQUIRY_270 = x12.build_270(
    x12.Inquiry(
        control_number=41,
        trace=VERIFICATION_ID.replace("-", ""),
        sender_id="0195f2a07b3c7d2",
        payer_id="60054",
        payer_name="Blue Harbor Health Plan",
        provider_name="Riverbend Recovery",
        provider_npi="1234567893",
        provider_reference="0195f2a07b3c7d2",
        given_name="Alex",
        family_name="Rivera",
        date_of_birth=date(1990, 5, 17),
        member_id="BHP123456789",
        group_number="GRP-0042",
        service_types=["MH", "AI", "A8"],
        service_starts_on=date(2026, 3, 9),
        service_ends_on=date(2026, 6, 5),
        created_at=datetime(2026, 3, 2, 15, 0, tzinfo=UTC),
    )
)

RESULT_JSON: dict[str, Any] = {
    "status": "completed",
    "verified_on": "2026-03-02",
    "benefits": {
        "deductible": {"total": "1500.00", "met": "900.00"},
        "coinsurance": {"rate": "0.20"},
        "out_of_pocket_max": {"total": "4000.00", "met": "1100.00"},
    },
}

# A 271 answering the request whose id is 0195f2a07b3c7d2e9c1a4b5d6e7f8a90: active coverage,
# individual in-network deductible $1,500 with $600 remaining, 20% coinsurance, and an
# out-of-pocket maximum of $4,000 with $2,900 remaining.
RESULT_X12 = "\n".join(
    [
        "ISA*00*          *00*          *ZZ*60054          *ZZ*0195F2A07B3C7D2"
        "*260302*1500*^*00501*000000042*0*P*:~",
        "GS*HB*60054*0195F2A07B3C7D2*20260302*1500*42*X*005010X279A1~",
        "ST*271*0001*005010X279A1~",
        "BHT*0022*11*0195F2A07B3C7D2E9C1A4B5D6E7F8A90*20260302*1500~",
        "HL*1**20*1~",
        "NM1*PR*2*BLUE HARBOR HEALTH PLAN*****PI*60054~",
        "HL*2*1*21*1~",
        "NM1*1P*2*RIVERBEND RECOVERY*****XX*1234567893~",
        "HL*3*2*22*0~",
        "TRN*2*0195F2A07B3C7D2E9C1A4B5D6E7F8A90*9IOPAPI0000~",
        "NM1*IL*1*RIVERA*ALEX****MI*BHP123456789~",
        "DMG*D8*19900517~",
        "EB*1**30^MH^AI~",
        "EB*C*IND*MH***23*1500~",
        "EB*C*IND*MH***29*600~",
        "EB*A*IND*MH****.2~",
        "EB*G*IND*MH***23*4000~",
        "EB*G*IND*MH***29*2900~",
        "SE*18*0001~",
        "GE*1*42~",
        "IEA*1*000000042~",
        "",
    ]
)
