"""Rasa's check of a custom action's response, with the jsonschema validator built once.

Rasa 3.6's `RemoteAction._validate_action_result` calls `jsonschema.validate(result, schema)` for
every action response; that checks the (large) events schema against its metaschema and builds
a new validator each time: about 20-40 ms of Rasa's CPU per action, against 0.3-0.6 ms to
validate with a validator built once. The replacement does what `jsonschema.validate` does
(validator class for the schema, schema checked, `best_match` of the errors raised, with Rasa's
own words added to the message), once per action class instead of once per response.
"""

from __future__ import annotations

import hashlib
import inspect
from typing import Any

RASA_VERSION = "3.6.21"
# sha256 of the source of RemoteAction._validate_action_result in Rasa 3.6.21: any other code
# there means this replacement may no longer do what Rasa does, so applying it fails.
EXPECTED_SOURCE_SHA256 = "f8cdb4be6812396167ced74161b2ccd65c5ea676ad86d7d359d8c322d9d8dc42"
MARK = "_shop_support_patched"


class PatchDoesNotFit(RuntimeError):
    """The installed Rasa is not the one this patch was written for."""


def _validator_for(action_class: type, cache: dict[type, Any]) -> Any:
    validator = cache.get(action_class)
    if validator is None:
        from jsonschema.validators import validator_for

        schema = action_class.action_response_format_spec()  # type: ignore[attr-defined]
        checker = validator_for(schema)
        checker.check_schema(schema)
        validator = cache[action_class] = checker(schema)
    return validator


def validated_once(action_module: Any) -> Any:
    """The replacement of RemoteAction._validate_action_result (same results, same errors)."""
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match

    docs_url = action_module.DOCS_BASE_URL
    cache: dict[type, Any] = {}

    def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
        error = best_match(_validator_for(type(self), cache).iter_errors(result))
        if error is None:
            return True
        assert isinstance(error, ValidationError)
        error.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{docs_url}/custom-actions"
        )
        raise error

    setattr(_validate_action_result, MARK, True)
    return _validate_action_result


def apply(action_module: Any) -> None:
    """Replace the validation in `rasa.core.actions.action`, after checking it is Rasa 3.6.21's."""
    import rasa

    remote = action_module.RemoteAction
    current = remote._validate_action_result
    if getattr(current, MARK, False):
        return
    if rasa.__version__ != RASA_VERSION:
        raise PatchDoesNotFit(
            f"bot/patches/action_validation.py fits Rasa {RASA_VERSION}, not {rasa.__version__}: "
            "check the new version's RemoteAction._validate_action_result, then update or drop "
            "the patch"
        )
    digest = hashlib.sha256(inspect.getsource(current).encode()).hexdigest()
    if digest != EXPECTED_SOURCE_SHA256:
        raise PatchDoesNotFit(
            "RemoteAction._validate_action_result is not the code bot/patches/action_validation.py "
            f"replaces (sha256 {digest}): compare it with Rasa {RASA_VERSION}'s"
        )
    remote._shop_support_original_validate = current  # kept for the test that compares both
    remote._validate_action_result = validated_once(action_module)
