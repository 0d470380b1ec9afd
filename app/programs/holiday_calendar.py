"""Whose public holidays close a program: a country always, from its time zone when not given.

A program without a holiday country would silently schedule sessions on public holidays, so
there is none: the country is the one given, or else the country the IANA time zone database
assigns to the program's time zone (`zone.tab`), and the answer says which
(`holiday_country_source`). A state or province adds its own holidays exactly as the `holidays`
package defines them for that subdivision (docs/domain.md §2, "Holidays").
"""

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Literal

import holidays

HolidayCountrySource = Literal["given", "time_zone"]


class HolidayCalendarError(ValueError):
    """A holiday calendar that cannot be: `field` names what to fix."""

    def __init__(self, field: Literal["country", "subdivision"], message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class HolidayCalendar:
    country: str
    subdivision: str | None
    source: HolidayCountrySource


@cache
def _zone_countries() -> dict[str, str]:
    """IANA zone name → ISO 3166 country code, links (US/Eastern) included."""
    zoneinfo = files("tzdata") / "zoneinfo"
    countries: dict[str, str] = {}
    for line in (zoneinfo / "zone.tab").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, _coordinates, zone, *_ = line.split("\t")
            countries[zone] = code
    for line in (zoneinfo / "tzdata.zi").read_text(encoding="utf-8").splitlines():
        if line.startswith("L "):  # "L America/New_York US/Eastern": a link and its target
            _, target, link = line.split()
            if target in countries:
                countries.setdefault(link, countries[target])
    return countries


def country_of_time_zone(time_zone: str) -> str | None:
    """The country of an IANA time zone; None for zones of no country (UTC, Etc/GMT+5)."""
    return _zone_countries().get(time_zone)


def holiday_calendar(
    country: str | None, subdivision: str | None, time_zone: str
) -> HolidayCalendar:
    """The program's holiday calendar, or HolidayCalendarError saying what is wrong."""
    source: HolidayCountrySource = "given"
    if country is None:
        country, source = country_of_time_zone(time_zone), "time_zone"
        if country is None:
            raise HolidayCalendarError(
                "country",
                f"country is required: time zone {time_zone!r} belongs to no country, so its"
                " public holidays cannot be known",
            )
    supported = holidays.list_supported_countries()
    if country not in supported:
        said = "" if source == "given" else f" (the country of time zone {time_zone!r})"
        raise HolidayCalendarError(
            "country", f"no public holiday calendar for country {country!r}{said}; give a country"
        )
    if subdivision is not None and subdivision not in supported[country]:
        raise HolidayCalendarError("subdivision", f"{country} has no subdivision {subdivision!r}")
    return HolidayCalendar(country, subdivision, source)
