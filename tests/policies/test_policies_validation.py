from pathlib import Path

from helpdesk.policies.returns_schema import ReturnsPolicy
from helpdesk.policies.support_schema import SupportPolicy
from helpdesk.policies.validation import validate
from helpdesk.policies.yamlsource import read_document

SUPPORT = """\
teams:
  eu:
    timezone: Europe/Amsterdam
    languages: [en]
    hours: {monday: 09:00-17:00}
    max_wait_minutes: 10
fallback_team: eu
"""


def check(tmp_path: Path, text: str, schema=SupportPolicy) -> list[str]:
    path = tmp_path / "support.yml"
    path.write_text(text, encoding="utf-8")
    model, errors = validate(read_document(path), schema)
    assert (model is None) == bool(errors)
    return [str(error) for error in errors]


def test_valid_document(tmp_path):
    assert check(tmp_path, SUPPORT) == []


def test_unknown_field_suggests_the_close_one(tmp_path):
    missing, error = check(tmp_path, SUPPORT.replace("max_wait_minutes", "max_wait_minute"))
    assert missing == "support.yml line 2: teams.eu.max_wait_minutes is missing; it is required"
    assert error.startswith(
        "support.yml line 6: teams.eu.max_wait_minute is not a known field here"
    )
    assert "(did you mean max_wait_minutes?)" in error
    assert "allowed: timezone, languages, hours, holidays, max_wait_minutes" in error


def test_missing_field_points_at_its_block(tmp_path):
    errors = check(tmp_path, SUPPORT.replace("    max_wait_minutes: 10\n", ""))
    assert errors == ["support.yml line 2: teams.eu.max_wait_minutes is missing; it is required"]


def test_wrong_type_for_a_block_and_a_list(tmp_path):
    errors = check(tmp_path, SUPPORT.replace("hours: {monday: 09:00-17:00}", "hours: always"))
    assert errors == [
        "support.yml line 5: teams.eu.hours must be a block of fields (name: value lines), got 'always'"
    ]
    errors = check(tmp_path, SUPPORT.replace("languages: [en]", "languages: {en: 1}"))
    assert errors == [
        "support.yml line 4: teams.eu.languages must be a list such as [a, b], got a block of fields"
    ]


def test_enum_lists_allowed_values(tmp_path):
    text = (Path(__file__).parents[2] / "policies" / "returns.yml").read_text(encoding="utf-8")
    errors = check(tmp_path, text.replace("paid_by: shop\n", "paid_by: store\n", 1), ReturnsPolicy)
    assert len(errors) == 1
    assert errors[0].endswith(
        "markets.EU.return_shipping.paid_by must be one of 'shop' or 'customer', got 'store'"
    )


def test_every_error_is_reported(tmp_path):
    broken = SUPPORT.replace("timezone: Europe/Amsterdam", "timezone: Mars/Olympus").replace(
        "[en]", "[EN]"
    )
    errors = check(tmp_path, broken)
    assert len(errors) == 2
    assert errors[0].startswith("support.yml line 3: teams.eu.timezone must be an IANA time zone")
    assert errors[1].startswith(
        "support.yml line 4: teams.eu.languages[0] must be an ISO 639-1 language code"
    )


def test_invalid_name_as_a_key(tmp_path):
    [error] = check(
        tmp_path,
        SUPPORT.replace("  eu:", "  EU Team:").replace("fallback_team: eu", "fallback_team: eu"),
    )
    assert "teams.EU Team (as a name) must be a name in small letters" in error


def test_root_must_be_a_block(tmp_path):
    [error] = check(tmp_path, "- just\n- a list\n")
    assert error.startswith("support.yml line 1: must be a block of fields")


def test_cross_check_problems_after_fields_are_valid(tmp_path):
    [error] = check(tmp_path, SUPPORT.replace("fallback_team: eu", "fallback_team: apac"))
    assert error == "support.yml line 7: fallback_team is 'apac', which is not one of teams (eu)"
