"""Examples of the partner flow for the OpenAPI document."""

from typing import Any

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
