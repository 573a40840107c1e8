"""Place names that tell a location line ("Seattle, United States") from any other short line.

Deliberately small: countries and US states/abbreviations, enough to recognise the shape
"City, Region[, Country]". A city alone is accepted when a region in the same line is known.
"""

COUNTRIES = {
    "united states", "usa", "us", "u.s.", "united kingdom", "uk", "canada", "singapore", "ireland",
    "germany", "france", "china", "japan", "india", "australia", "netherlands", "switzerland",
    "spain", "italy", "sweden", "israel", "brazil", "mexico", "korea", "south korea", "indonesia",
    "united arab emirates", "uae", "poland", "portugal", "denmark", "finland", "norway", "taiwan",
    "hong kong", "malaysia", "vietnam", "thailand", "philippines", "new zealand", "belgium", "austria",
}
US_STATES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "florida": "FL", "georgia": "GA",
    "hawaii": "HI", "idaho": "ID", "illinois": "IL", "indiana": "IN", "iowa": "IA", "kansas": "KS",
    "kentucky": "KY", "louisiana": "LA", "maine": "ME", "maryland": "MD", "massachusetts": "MA",
    "michigan": "MI", "minnesota": "MN", "mississippi": "MS", "missouri": "MO", "montana": "MT",
    "nebraska": "NE", "nevada": "NV", "new hampshire": "NH", "new jersey": "NJ", "new mexico": "NM",
    "new york": "NY", "north carolina": "NC", "north dakota": "ND", "ohio": "OH", "oklahoma": "OK",
    "oregon": "OR", "pennsylvania": "PA", "rhode island": "RI", "south carolina": "SC",
    "south dakota": "SD", "tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT",
    "virginia": "VA", "washington": "WA", "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY",
    "district of columbia": "DC",
}
STATE_CODES = set(US_STATES.values())


def is_region(part: str) -> bool:
    """True for a country, a US state, or a two-letter state code."""
    cleaned = part.strip().strip(".").strip()
    return cleaned.lower() in COUNTRIES or cleaned.lower() in US_STATES or cleaned in STATE_CODES
