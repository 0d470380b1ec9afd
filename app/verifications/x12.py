"""X12 005010X279A1: the 270 eligibility inquiry we send and the 271 response we read.

Pure: values in, text or benefits out. pyx12 reads the envelopes (ISA/IEA, GS/GE, ST/SE
counts and control numbers) and the segment syntax; its maps stop at 4010, so the 5010 loops
and elements used here (the subscriber, EB benefits 1, 6, A, B, C, G with time period
qualifiers) are checked below, each refusal naming its segment.
"""

import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import pyx12.errors
import pyx12.x12file

VERSION = "005010X279A1"
SEGMENT, ELEMENT, COMPONENT, REPETITION = "~", "*", ":", "^"
# Time period qualifiers (EB06): the plan's amount for the period, and what remains of it.
_TOTAL_PERIODS = {"21", "22", "23", "25", "32"}
_MET_PERIODS = {"24"}
_REMAINING_PERIODS = {"29", "33"}


@dataclass(frozen=True)
class Inquiry:
    """What a 270 names: the two parties, the subscriber and the services asked about."""

    control_number: int
    trace: str
    sender_id: str
    payer_id: str
    payer_name: str
    provider_name: str
    provider_npi: str | None
    provider_reference: str
    given_name: str
    family_name: str
    date_of_birth: date
    member_id: str
    group_number: str | None
    service_types: list[str]
    service_starts_on: date
    service_ends_on: date | None
    created_at: datetime


@dataclass(frozen=True)
class X12Problem(Exception):
    segment: str
    reason: str

    def __str__(self) -> str:
        return f"{self.segment}: {self.reason}"


@dataclass
class Response:
    """What a 271 says about one subscriber, in the coverage's terms (`Benefits` fields)."""

    member_id: str
    trace: str | None
    is_active: bool
    rejection: str | None
    verified_on: date | None
    benefits: dict[str, dict[str, str]] = field(default_factory=dict)


def _text(value: str, limit: int) -> str:
    """Upper-case ASCII without the delimiters: X12's basic character set."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[~*:^\r\n]", " ", ascii_text).upper().strip()
    return cleaned[:limit]


def build_270(inquiry: Inquiry) -> str:
    number = inquiry.control_number
    at = inquiry.created_at
    sender = _text(inquiry.sender_id, 15)
    receiver = _text(inquiry.payer_id, 15)
    st = f"{number:04d}"
    period = (
        f"RD8{ELEMENT}{inquiry.service_starts_on:%Y%m%d}-{inquiry.service_ends_on:%Y%m%d}"
        if inquiry.service_ends_on is not None
        else f"D8{ELEMENT}{inquiry.service_starts_on:%Y%m%d}"
    )
    provider = (
        ["XX", inquiry.provider_npi]
        if inquiry.provider_npi
        else ["SV", _text(inquiry.provider_reference, 80)]
    )
    body: list[list[str]] = [
        ["ST", "270", st, VERSION],
        ["BHT", "0022", "13", _text(inquiry.trace, 50), f"{at:%Y%m%d}", f"{at:%H%M}"],
        ["HL", "1", "", "20", "1"],
        ["NM1", "PR", "2", _text(inquiry.payer_name, 60), "", "", "", "", "PI", receiver],
        ["HL", "2", "1", "21", "1"],
        ["NM1", "1P", "2", _text(inquiry.provider_name, 60), "", "", "", "", *provider],
        ["HL", "3", "2", "22", "0"],
        ["TRN", "1", _text(inquiry.trace, 50), "9" + _text(sender, 9).ljust(9, "0")],
        [
            "NM1",
            "IL",
            "1",
            _text(inquiry.family_name, 60),
            _text(inquiry.given_name, 35),
            "",
            "",
            "",
            "MI",
            _text(inquiry.member_id, 80),
        ],
    ]
    if inquiry.group_number:
        body.append(["REF", "6P", _text(inquiry.group_number, 50)])
    body.append(["DMG", "D8", f"{inquiry.date_of_birth:%Y%m%d}"])
    body.append(["DTP", "291", *period.split(ELEMENT)])
    body.extend(["EQ", code] for code in inquiry.service_types)
    body.append(["SE", str(len(body) + 1), st])
    isa = [
        "ISA", "00", " " * 10, "00", " " * 10, "ZZ", sender.ljust(15), "ZZ", receiver.ljust(15),
        f"{at:%y%m%d}", f"{at:%H%M}", REPETITION, "00501", f"{number:09d}", "0", "P", COMPONENT,
    ]  # fmt: skip
    gs = ["GS", "HS", sender, receiver, f"{at:%Y%m%d}", f"{at:%H%M}", str(number), "X", VERSION]
    trailer = [["GE", "1", str(number)], ["IEA", "1", f"{number:09d}"]]
    segments = [isa, gs, *body, *trailer]
    return "".join(ELEMENT.join(s) + SEGMENT + "\n" for s in segments)


def read_segments(document: str) -> list[list[str]]:
    """The segments of an interchange whose envelopes and syntax pyx12 accepts."""
    if not document.lstrip().startswith("ISA"):
        raise X12Problem("ISA", "the document does not start with an ISA segment")
    try:
        reader = pyx12.x12file.X12Reader(io.StringIO(document.lstrip()))
        segments = [_elements(segment.format()) for segment in reader]
        reader.cleanup()
    except (pyx12.errors.X12Error, pyx12.errors.EngineError, IndexError, ValueError) as error:
        raise X12Problem("ISA", f"the envelope cannot be read ({error})") from error
    problems = reader.pop_errors()
    if problems:
        level, _code, reason, _value, _line = problems[0]
        named = re.search(r"\b(IEA|ISA|GE|GS|SE|ST|HL|LX)\b", reason)
        level_segment = {"isa": "ISA", "gs": "GS", "st": "ST"}.get(level, "segment")
        raise X12Problem(named.group(1) if named else level_segment, reason)
    return segments


def _elements(formatted: str) -> list[str]:
    return formatted.rstrip(SEGMENT).split(ELEMENT)


def _at(segment: list[str], position: int) -> str:
    return segment[position] if len(segment) > position else ""


def read_271(document: str) -> Response:
    segments = read_segments(document)
    isa = segments[0]
    if _at(isa, 12) != "00501":
        raise X12Problem("ISA12", f"version {_at(isa, 12)!r} is not 00501")
    sets = [s for s in segments if s[0] == "ST"]
    if len(sets) != 1:
        raise X12Problem("ST", f"expected one transaction set, found {len(sets)}")
    gs = next(s for s in segments if s[0] == "GS")
    if _at(gs, 1) != "HB" or _at(gs, 8) != VERSION:
        raise X12Problem("GS", f"not a {VERSION} 271 functional group (HB)")
    st = sets[0]
    if _at(st, 1) != "271":
        raise X12Problem("ST01", f"transaction set {_at(st, 1)!r} is not a 271")
    if _at(st, 3) != VERSION:
        raise X12Problem("ST03", f"implementation guide {_at(st, 3)!r} is not {VERSION}")
    return _subscriber(segments)


def _subscriber(segments: list[list[str]]) -> Response:
    levels = [s for s in segments if s[0] == "HL"]
    subscribers = [s for s in levels if _at(s, 3) == "22"]
    if len(subscribers) != 1:
        raise X12Problem("HL", f"expected one subscriber level (HL03 22), found {len(subscribers)}")
    start = segments.index(subscribers[0]) + 1
    loop = []
    for segment in segments[start:]:
        if segment[0] in {"HL", "SE"}:
            break
        loop.append(segment)
    names = [s for s in loop if s[0] == "NM1" and _at(s, 1) == "IL"]
    if not names:
        raise X12Problem("NM1", "the subscriber loop (2100C) has no NM1*IL")
    member_id = _at(names[0], 9)
    if _at(names[0], 8) != "MI" or not member_id:
        raise X12Problem("NM1", "the subscriber's member id (NM108 MI, NM109) is missing")
    traces = [s for s in loop if s[0] == "TRN" and _at(s, 1) == "2"]
    rejections = [s for s in loop if s[0] == "AAA" and _at(s, 1) == "N"]
    response = Response(
        member_id=member_id,
        trace=_at(traces[0], 2) if traces else None,
        is_active=False,
        rejection=f"the payer rejected the inquiry (AAA reason {_at(rejections[0], 3)})"
        if rejections
        else None,
        verified_on=_bht_date(segments),
    )
    _benefits(response, [s for s in loop if s[0] == "EB"])
    return response


def _bht_date(segments: list[list[str]]) -> date | None:
    bht = next((s for s in segments if s[0] == "BHT"), None)
    if bht is None:
        raise X12Problem("BHT", "the 271 has no BHT segment")
    try:
        return datetime.strptime(_at(bht, 4), "%Y%m%d").date()
    except ValueError as error:
        raise X12Problem("BHT04", f"{_at(bht, 4)!r} is not a CCYYMMDD date") from error


def _amount(segment: list[str], position: int) -> Decimal:
    text = _at(segment, position)
    try:
        value = Decimal(text)
    except InvalidOperation as error:
        raise X12Problem(f"EB{position:02d}", f"{text!r} is not an amount") from error
    if not value.is_finite() or value < 0 or value > Decimal("99999999.99"):
        raise X12Problem(f"EB{position:02d}", f"{text!r} is not an amount")
    return value.quantize(Decimal("0.01"))


def _benefits(response: Response, lines: list[list[str]]) -> None:
    """The individual, in-network (or network-agnostic) EB lines: the ones that price the
    patient's own treatment days at this clinic."""
    limits: dict[str, dict[str, Decimal]] = {}
    for line in lines:
        code = _at(line, 1)
        if code == "1":
            response.is_active = True
        if code == "6":
            response.rejection = "the payer reports the coverage inactive (EB*6)"
        if _at(line, 2) not in {"", "IND"} or _at(line, 12) == "N":
            continue
        if code == "A":
            rate = _at(line, 8)
            try:
                value = Decimal(rate)
            except InvalidOperation as error:
                raise X12Problem("EB08", f"{rate!r} is not a percentage") from error
            if not value.is_finite() or not Decimal(0) <= value <= Decimal(1):
                raise X12Problem("EB08", f"{rate!r} is not a rate between 0 and 1")
            response.benefits["coinsurance"] = {"rate": str(value)}
        elif code == "B":
            response.benefits["copay_per_day"] = {"amount": str(_amount(line, 7))}
        elif code in {"C", "G"}:
            name = "deductible" if code == "C" else "out_of_pocket_max"
            period = _at(line, 6)
            if period in _TOTAL_PERIODS:
                kind = "total"
            elif period in _REMAINING_PERIODS:
                kind = "remaining"
            elif period in _MET_PERIODS:
                kind = "met"
            else:
                raise X12Problem("EB06", f"time period qualifier {period!r} on EB*{code}")
            limits.setdefault(name, {})[kind] = _amount(line, 7)
    for name, figures in limits.items():
        if "total" not in figures:
            raise X12Problem("EB", f"EB*{_code(name)} gives no total for the plan's period")
        total = figures["total"]
        met = figures.get("met", total - figures.get("remaining", total))
        if met < 0 or met > total:
            raise X12Problem("EB07", f"EB*{_code(name)} remaining exceeds the total")
        response.benefits[name] = {"total": str(total), "met": str(met)}
    if "coinsurance" in response.benefits and "copay_per_day" in response.benefits:
        raise X12Problem("EB", "both coinsurance (EB*A) and copay (EB*B) for the same services")


def _code(name: str) -> str:
    return "C" if name == "deductible" else "G"
