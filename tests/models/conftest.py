"""Fixtures of the real translation models that only the tests in this folder use."""

from tests.support.translation_models import (  # noqa: F401
    es_en_argos_home,
    es_en_translator,
    spanish_packages,
)
