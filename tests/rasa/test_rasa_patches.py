"""bot/patches/ in the bot environment: in effect in every Rasa process, and Rasa's answers unchanged.

Needs .venv-bot (importing Rasa takes a few seconds), hence the `rasa` mark like the other tests
that need the bot environment.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from helpdesk.rasa.training import BOT_VENV
from helpdesk.settings import PROJECT_ROOT

pytestmark = [pytest.mark.rasa]

# Run by the bot environment's Python exactly as Rasa is started (the .pth hook, nothing
# installed by hand): is the validation replaced, and does each response give the same result,
# or the same error, as Rasa's own code?
PROBE = r"""
import json
import rasa.core.actions.action as action
from jsonschema import ValidationError

remote = action.RemoteAction("action_probe", None)
responses = [
    {"events": [{"event": "slot", "name": "country", "value": "ES"}],
     "responses": [{"response": "utter_greet", "lang": "es"}]},
    {"events": [], "responses": []},
    {},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot"}]},
    {"events": "not a list"},
    {"responses": [1]},
    [],
]

def outcome(validate, response):
    try:
        return ["ok", validate(remote, response)]
    except ValidationError as error:
        return ["invalid", error.message, list(error.path), list(error.schema_path)]

patched = action.RemoteAction._validate_action_result
original = getattr(action.RemoteAction, "_shop_support_original_validate", None)
print(json.dumps({
    "patched": bool(getattr(patched, "_shop_support_patched", False)),
    "pairs": [[outcome(original, r), outcome(patched, r), outcome(patched, r)] for r in responses]
    if original else [],
}))
"""


def probe(**environment: str) -> dict:
    python = BOT_VENV / "bin" / "python"
    if not python.exists():
        pytest.fail(f"{python} not found: run `make setup`")
    done = subprocess.run(
        [str(python), "-c", PROBE],
        cwd=PROJECT_ROOT / "var",
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **environment},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_bot_environment_validates_action_responses_with_the_validator_built_once():
    found = probe()
    assert found["patched"], "the hook is not installed: run scripts/setup-bot-env.sh"
    assert len(found["pairs"]) == 8
    for unpatched, patched, again in found["pairs"]:
        assert patched == unpatched  # valid: True; invalid: the same message, path and schema
        assert again == unpatched  # the validator kept from the first call answers the same
    assert [pair[0][0] for pair in found["pairs"]] == ["ok"] * 3 + ["invalid"] * 5


def test_the_switch_leaves_rasa_as_shipped():
    assert probe(SHOP_SUPPORT_RASA_PATCHES="off")["patched"] is False
