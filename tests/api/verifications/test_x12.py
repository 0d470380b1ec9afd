"""X12 270/271 for partners that speak it: envelopes read back by pyx12, benefits from a 271."""

import io
from typing import Any

import pyx12.x12file
from fastapi import FastAPI

from tests.api.verifications.test_verifications import PAYER, partner, request_verification
from tests.factories import Clinic, make_program

__all__ = ["partner"]


def segments_of(document: str) -> list[list[str]]:
    reader = pyx12.x12file.X12Reader(io.StringIO(document))
    segments = [segment.format().rstrip("~").split("*") for segment in reader]
    reader.cleanup()
    assert reader.pop_errors() == []
    return segments


def response_271(trace: str, member_id: str = "BHP123456789", *benefits: str) -> str:
    """A 271 in the implementation guide's structure: source (20), receiver (21), subscriber
    (22) with its trace, name and EB benefit lines, inside counted envelopes."""
    body = [
        "ST*271*0001*005010X279A1", f"BHT*0022*11*{trace}*20260301*1200", "HL*1**20*1",
        f"NM1*PR*2*BLUE HARBOR HEALTH PLAN*****PI*{PAYER}", "HL*2*1*21*1",
        "NM1*1P*2*RIVERBEND RECOVERY*****XX*1234567893", "HL*3*2*22*0", f"TRN*2*{trace}*9PAYER0001",
        f"NM1*IL*1*RIVERA*ALEX****MI*{member_id}", "DMG*D8*19900517", *benefits,
    ]  # fmt: skip
    body.append(f"SE*{len(body) + 1}*0001")
    envelope = [
        "ISA*00*          *00*          *ZZ*60054          *ZZ*RIVERBEND      "
        "*260301*1200*^*00501*000000007*0*P*:",
        "GS*HB*60054*RIVERBEND*20260301*1200*7*X*005010X279A1", *body, "GE*1*7", "IEA*1*000000007",
    ]  # fmt: skip
    return "".join(segment + "~\n" for segment in envelope)


BENEFITS = (
    "EB*1**30^MH^AI", "EB*C*IND*MH***23*500", "EB*C*IND*MH***29*0", "EB*C*FAM*MH***23*3000",
    "EB*B*IND*MH***27*25", "EB*G*IND*MH***23*4000", "EB*G*IND*MH***29*3500",
    "EB*C*IND*MH***23*9000*****N",
)  # fmt: skip


def post_271(client: Any, verification_id: str, document: str) -> Any:
    return client.post(
        f"/v1/insurance-verifications/{verification_id}/result",
        content=document.encode(),
        headers={"Content-Type": "application/edi-x12"},
    )


def test_a_270_reads_back_with_counted_envelopes_and_increasing_control_numbers(
    app: FastAPI, clinic: Clinic, partner: Any
) -> None:
    verification = request_verification(app, clinic, service_types=["MH", "AI", "A8"])
    url = f"/v1/insurance-verifications/{verification['id']}/x12-270"
    first = partner.get(url)
    assert first.status_code == 200, first.text
    assert first.headers["content-type"].startswith("application/edi-x12")
    segments = segments_of(first.text)
    isa, gs, st = segments[0], segments[1], segments[2]
    assert (isa[12], isa[13], isa[16]) == ("00501", "000000001", ":")
    assert (gs[1], gs[6], gs[8]) == ("HS", "1", "005010X279A1")
    assert (st[1], st[3]) == ("270", "005010X279A1")
    se = next(s for s in segments if s[0] == "SE")
    assert int(se[1]) == segments.index(se) - 1  # ST to SE inclusive
    assert [s[1] for s in segments if s[0] == "EQ"] == ["MH", "AI", "A8"]
    assert ["NM1", "IL", "1", "RIVERA", "ALEX", "", "", "", "MI", "BHP123456789"] in segments
    assert ["DMG", "D8", "19900517"] in segments
    assert ["DTP", "291", "RD8", "20260309-20260605"] in segments
    assert ["TRN", "1", verification["id"].replace("-", "").upper()] == next(
        s for s in segments if s[0] == "TRN"
    )[:3]
    second = segments_of(partner.get(url).text)
    assert (second[0][13], second[1][6], second[2][2]) == ("000000002", "2", "0002")


def test_a_271_sets_verified_benefits_and_changes_the_next_estimate(
    app: FastAPI, clinic: Clinic, partner: Any
) -> None:
    program = make_program(clinic)
    verification = request_verification(app, clinic)
    coverage_url = (
        f"/v1/patients/{verification['patient_id']}/coverages/{verification['coverage_id']}"
    )
    body = {"program_id": program["id"], "treatment_days": 10,
            "coverage_id": verification["coverage_id"]}  # fmt: skip
    before = clinic.staff.post("/v1/cost-estimates", json=body).json()
    trace = verification["id"].replace("-", "")
    answered = post_271(partner, verification["id"], response_271(trace, "BHP123456789", *BENEFITS))
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "completed"
    benefits = clinic.staff.get(coverage_url).json()["benefits"]
    assert benefits["deductible"] == {"total": "500.00", "met": "500.00", "source": "verified",
                                      "recorded_on": "2026-03-01"}  # fmt: skip
    assert benefits["copay_per_day"]["amount"] == "25.00"
    assert benefits["out_of_pocket_max"]["met"] == "500.00"
    after = clinic.staff.post("/v1/cost-estimates", json=body).json()
    assert (before["patient_pays"], after["patient_pays"]) != (after["patient_pays"],) * 2
    assert after["patient_pays"] == "250.00"
    [staff_view] = clinic.staff.get(
        f"/v1/patients/{verification['patient_id']}/insurance-verifications"
    ).json()
    assert (staff_view["answered_as"], staff_view["verified_on"]) == ("x12", "2026-03-01")


def test_a_malformed_or_mismatched_271_is_refused_naming_the_segment_and_changes_nothing(
    app: FastAPI, clinic: Clinic, partner: Any
) -> None:
    verification = request_verification(app, clinic)
    coverage_url = (
        f"/v1/patients/{verification['patient_id']}/coverages/{verification['coverage_id']}"
    )
    coverage_before = clinic.staff.get(coverage_url).json()
    trace = verification["id"].replace("-", "")
    good = response_271(trace, "BHP123456789", *BENEFITS)
    cases = {
        "SE": good.replace("SE*", "SE*9"),  # wrong segment count
        "IEA": good.replace("IEA*1*000000007", "IEA*1*000000008"),
        "NM1": response_271(trace, "XYZ999", *BENEFITS),
        "TRN": response_271("0" * 32, "BHP123456789", *BENEFITS),
        "EB06": response_271(trace, "BHP123456789", "EB*1", "EB*C*IND*MH***7*500"),
        "EB07": response_271(trace, "BHP123456789", "EB*1", "EB*B*IND*MH***27*lots"),
        "ST01": good.replace("ST*271", "ST*270"),
        "ISA": "hello",
    }
    for segment, document in cases.items():
        response = post_271(partner, verification["id"], document)
        assert response.status_code == 422, (segment, response.text)
        problem = response.json()
        assert problem["detail"].startswith(segment) or problem.get("segment") == segment, (
            segment, problem,
        )  # fmt: skip
    assert clinic.staff.get(coverage_url).json() == coverage_before
    status = partner.get(f"/v1/insurance-verifications/{verification['id']}").json()["status"]
    assert status == "pending"


def test_a_271_without_active_coverage_fails_the_request_and_keeps_the_benefits(
    app: FastAPI, clinic: Clinic, partner: Any
) -> None:
    verification = request_verification(app, clinic)
    trace = verification["id"].replace("-", "")
    answered = post_271(partner, verification["id"], response_271(trace, "BHP123456789", "EB*6"))
    assert answered.json()["status"] == "failed"
    [staff_view] = clinic.staff.get(
        f"/v1/patients/{verification['patient_id']}/insurance-verifications"
    ).json()
    assert "inactive" in staff_view["failure_reason"]
