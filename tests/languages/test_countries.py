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
