"""Country names as shoppers write them become ISO codes."""

from helpdesk.languages.countries import country_code, country_name


def test_names_in_every_shop_language_and_colloquial_ones():
    written = [
        "Alemania",
        "germany",
        "DE",
        "États-Unis",
        "etats unis",
        "Reino Unido",
        "UK",
        "Brasil",
        "Deutschland",
        "Cina",
        "england",
        "EEUU",
    ]
    assert [country_code(w) for w in written] == [
        "DE",
        "DE",
        "DE",
        "US",
        "US",
        "GB",
        "GB",
        "BR",
        "DE",
        "CN",
        "GB",
        "US",
    ]


def test_unknown_is_none():
    assert [country_code(w) for w in ("Atlantis", "xx", "", None)] == [None] * 4


def test_names_are_shown_in_the_shoppers_language():
    assert [country_name("DE", lang) for lang in ("en", "es", "de")] == [
        "Germany",
        "Alemania",
        "Deutschland",
    ]


def test_the_bots_country_lookup_is_built_from_these_names():
    """bot/data/nlu/lookups/country.yml is generated from countries.py, never written by hand:
    run `.venv/bin/python scripts/country_lookup.py` after changing the names."""
    from scripts.country_lookup import LOOKUP, lookup_yaml

    assert LOOKUP.read_text(encoding="utf-8") == lookup_yaml()


def test_names_in_sentences_cover_what_shoppers_write_and_skip_everyday_words():
    from helpdesk.languages.countries import names_in_sentences

    names = set(names_in_sentences())
    assert {"españa", "espana", "canada", "deutschland", "belgique", "italia", "brasil"} <= names
    assert not {"us", "turkey", "jordan"} & names
    assert "european union" not in names
