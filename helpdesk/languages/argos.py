"""argostranslate, run fully offline from packages kept under var/argos.

argostranslate reads its folders from the environment when first imported and, by default,
downloads a sentence splitter on first use. Here its folders point under var/argos, every
package carries its own spaCy splitter (added on install when missing), and the splitter cache
it would otherwise download is pre-filled, so nothing is fetched at run time.
"""

from __future__ import annotations

import importlib
import logging
import os
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)
PIVOT = "en"


@dataclass(frozen=True)
class InstalledPackage:
    source: str
    target: str
    name: str
    version: str
    path: Path


def configure(var_dir: Path) -> Path:
    """Point argostranslate at var/argos. It reads these once, when first imported: the first
    call in a process decides (one service, one var/)."""
    home = var_dir / "argos"
    for variable, folder in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        (home / folder).mkdir(parents=True, exist_ok=True)
        os.environ[variable] = str(home / folder)
    os.environ["ARGOS_PACKAGES_DIR"] = str(home / "packages")
    os.environ["ARGOS_CHUNK_TYPE"] = "SPACY"
    os.environ["ARGOS_DEVICE_TYPE"] = "cpu"
    _prefill_splitter_cache(Path(os.environ["XDG_CACHE_HOME"]) / "argos-translate" / "spacy")
    return home / "packages"


def _prefill_splitter_cache(cache: Path) -> None:
    # argostranslate downloads spaCy's xx_sent_ud_sm unless `senter/model` exists in its cache;
    # a blank multilingual pipeline (argostranslate adds a rule-based sentencizer) stands in.
    if (cache / "senter" / "model").exists():
        return
    import spacy

    cache.mkdir(parents=True, exist_ok=True)
    spacy.blank("xx").to_disk(cache)  # argostranslate adds its rule-based sentencizer itself
    (cache / "senter").mkdir(exist_ok=True)
    (cache / "senter" / "model").write_text(
        "rule-based sentencizer, see helpdesk/languages/argos.py\n"
    )


def _argos(module: str):
    imported = importlib.import_module(f"argostranslate.{module}")
    # argostranslate sets its own logger to INFO at import: a dozen lines for every sentence.
    logging.getLogger("argostranslate.utils").setLevel(logging.WARNING)
    return imported


def fix_up(package_dir: Path) -> None:
    """Give a package its own spaCy splitter, and set aside splitters that need a download."""
    if not (package_dir / "spacy").exists():
        import spacy

        spacy.blank("xx").to_disk(package_dir / "spacy")
    for splitter in ("stanza", "minisbd"):
        if (package_dir / splitter).exists():
            (package_dir / "unused-splitters").mkdir(exist_ok=True)
            shutil.move(
                str(package_dir / splitter), str(package_dir / "unused-splitters" / splitter)
            )


def installed_packages() -> list[InstalledPackage]:
    return [
        InstalledPackage(
            p.from_code,
            p.to_code,
            p.package_path.name,
            str(p.package_version),
            Path(p.package_path),
        )
        for p in _argos("package").get_installed_packages()
    ]


def install_file(path: Path) -> InstalledPackage:
    """Install a .argosmodel file (no network), then fix it up to run offline."""
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist")
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{path} is not an Argos package: a .argosmodel file is a zip archive")
    before = {p.name for p in installed_packages()}
    _argos("package").install_from_path(str(path))
    _reset_translation_cache()
    new = [p for p in installed_packages() if p.name not in before]
    if not new:
        raise ValueError(f"{path} installed nothing: is it an .argosmodel package?")
    fix_up(new[0].path)
    return new[0]


def install_from_index(source: str, target: str) -> InstalledPackage:
    """Download a package from the Argos index (needs the internet), then install it."""
    package = _argos("package")
    package.update_package_index()
    wanted = [
        p for p in package.get_available_packages() if p.from_code == source and p.to_code == target
    ]
    if not wanted:
        raise LookupError(f"the Argos index has no {source}->{target} package")
    return install_file(Path(wanted[0].download()))


def uninstall(source: str, target: str) -> bool:
    removed = False
    for found in _argos("package").get_installed_packages():
        if found.from_code == source and found.to_code == target:
            _argos("package").uninstall(found)
            removed = True
    _reset_translation_cache()
    return removed


def _reset_translation_cache() -> None:
    # argostranslate memoises the installed languages; a new package must be seen at once.
    translate = _argos("translate")
    for cached in ("get_installed_languages",):
        function = getattr(translate, cached, None)
        if function is not None and hasattr(function, "cache_clear"):
            function.cache_clear()


class ArgosEngine:
    """The TranslationEngine of helpdesk/languages/translation.py, on the installed packages."""

    def pairs(self) -> set[tuple[str, str]]:
        return {(p.source, p.target) for p in installed_packages()}

    def can_translate(self, source: str, target: str) -> bool:
        pairs = self.pairs()
        return (source, target) in pairs or ((source, PIVOT) in pairs and (PIVOT, target) in pairs)

    def translate(self, text: str, source: str, target: str) -> str:
        if (source, target) in self.pairs():
            return _argos("translate").translate(text, source, target)
        through = _argos("translate").translate(text, source, PIVOT)  # pivot through English
        return _argos("translate").translate(through, PIVOT, target)
