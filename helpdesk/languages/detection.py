"""Which language a shopper writes in: seeded langdetect, limited to the shop's languages,
weighed with the widget's hint, the conversation so far, and the bot's own vocabulary.

Short messages are where detectors fail ("hola" looks English to langdetect, "ok" is every
language), so a message of one or two words never moves an established conversation, and
numbers, emails, order numbers and emoji alone never change anything. A shopper who clearly
writes in another language (three words or more, detected with high confidence) is followed.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from helpdesk.languages.letters import as_meant
from helpdesk.languages.tags import base_language

SWITCH_CONFIDENCE = 0.90
SWITCH_MIN_WORDS = 3
# A first message read this unsurely ("ok", "status") fits several languages: the widget's hint
# or the shop's own language is likelier than any one of them.
FIRST_WORDS_CONFIDENCE = 0.5
# A word a language writes this often, against the language that writes it most, is its too.
SHARED_SHARE = 0.25
SMOOTHING = 0.5
VOCABULARY_SIZE = 20_000
LANGDETECT_WEIGHT = 0.5
FAVOURED_PRIOR = 3.0  # the conversation's language (or the widget's hint) is the likelier one
# langdetect moves a language's log score by LANGDETECT_WEIGHT * log(p), p floored at 0.01: so by
# at most this much against any other language. A lead by words larger than that decides alone.
LANGDETECT_SWAY = LANGDETECT_WEIGHT * math.log(1 / 0.01)
MARGIN_EPSILON = 1e-9
NOISE = re.compile(r"https?://\S+|\S+@\S+|#?\d[\d\s./:-]*|[_*~`]+")
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
SCRIPT_LANGUAGES = {
    "CJK": "zh",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
    "ARABIC": "ar",
    "HEBREW": "he",
    "CYRILLIC": "ru",
    "GREEK": "el",
    "THAI": "th",
}


@dataclass(frozen=True)
class Detection:
    lang: str
    reason: str  # why: kept, detected, lexicon, script, hint, default


def words_of(text: str) -> list[str]:
    return [w.casefold() for w in WORD.findall(NOISE.sub(" ", text))]


def script_language(text: str) -> str | None:
    """A non-Latin script decides by itself, however short the text. Japanese writes Chinese
    characters too: any kana makes the text Japanese, wherever it stands."""
    found = [lang for char in text if (lang := _script_of(char))]
    if "ja" in found:
        return "ja"
    return found[0] if found else None


def _script_of(char: str) -> str | None:
    if not char.isalpha() or ord(char) <= 0x24F:
        return None
    name = unicodedata.name(char, "")
    return next(
        (lang for script, lang in SCRIPT_LANGUAGES.items() if name.startswith(script)), None
    )


class LanguageDetector:
    """Naive Bayes over the words shoppers used in each language's training examples, combined
    with langdetect's character n-grams (which know words our examples never used)."""

    def __init__(
        self, languages: list[str], counts: dict[str, Counter] | None = None, default: str = "en"
    ) -> None:
        self.languages = languages
        self.default = default if default in languages else languages[0]
        self.counts = {lang: counts[lang] for lang in languages if counts and lang in counts}
        self.totals = {lang: sum(c.values()) for lang, c in self.counts.items()}
        self.vocabulary = set().union(*self.counts.values()) if self.counts else set()
        self._factory = _langdetect_factory()

    @classmethod
    def from_training_data(cls, languages: list[str], nlu_dir: Path) -> LanguageDetector:
        """Each language's word counts come from the bot's own NLU examples in that language."""
        return cls(
            languages,
            {lang: _word_counts(nlu_dir / lang) for lang in languages if (nlu_dir / lang).is_dir()},
        )

    def detect(
        self, text: str, *, current: str | None = None, hint: str | None = None
    ) -> Detection:
        fallback = next((lang for lang in (current, hint) if lang in self.languages), None)
        text = as_meant(text)
        scripted = script_language(text)
        if scripted is not None:
            return Detection(
                scripted if scripted in self.languages else fallback or self.default, "script"
            )
        words = words_of(text)
        if not words:
            return Detection(fallback or self.default, "kept" if current else "default")
        if current in self.languages and len(words) < SWITCH_MIN_WORDS:
            return Detection(current, "kept")
        preferred = fallback or self.default
        if len(words) < SWITCH_MIN_WORDS and self._words_of(preferred, words):
            return Detection(preferred, "hint" if fallback else "default")
        decided = self._decided_by_words(words, current=current, favoured=fallback)
        if decided is not None:
            return decided
        posterior = self.posterior(words, favoured=fallback)
        if not posterior:
            return Detection(fallback or self.default, "kept" if current else "default")
        best, confidence = max(posterior.items(), key=lambda item: item[1])
        if current not in self.languages and confidence < FIRST_WORDS_CONFIDENCE:
            return Detection(fallback or self.default, "default")
        if current in self.languages and best != current and confidence < SWITCH_CONFIDENCE:
            return Detection(current, "kept")
        return Detection(best, "detected")

    def _words_of(self, lang: str, words: list[str]) -> bool:
        """Every word is one `lang` writes too ("points" in English as in French): a first word
        or two that several languages share is read in the widget's or the shop's language."""
        if not words or not all(word in self.vocabulary for word in words):
            return False
        counts = [self.counts.get(other, Counter()) for other in self.languages]
        return all(
            self.counts.get(lang, Counter())[word]
            >= SHARED_SHARE * max(count[word] for count in counts)
            for word in words
        )

    def _decided_by_words(
        self, words: list[str], *, current: str | None, favoured: str | None
    ) -> Detection | None:
        """The answer detect() would give, when the words alone already fix it whatever
        langdetect says (most messages of a settled conversation, in its language): langdetect
        is the costly part. None when langdetect could still change the answer."""
        scores, known = self._word_scores(words, favoured)
        if not known or len(self.languages) < 2:
            return None
        best, lead = _lead(scores)
        if lead <= LANGDETECT_SWAY + MARGIN_EPSILON:
            return None
        if best == current:
            return Detection(best, "detected")
        # The least confidence `best` can end with: every other language swayed up to its limit.
        others = sum(
            math.exp(score - scores[best]) for lang, score in scores.items() if lang != best
        )
        confidence = 1 / (1 + others * math.exp(LANGDETECT_SWAY))
        needed = SWITCH_CONFIDENCE if current in self.languages else FIRST_WORDS_CONFIDENCE
        return Detection(best, "detected") if confidence >= needed + MARGIN_EPSILON else None

    def _word_scores(
        self, words: list[str], favoured: str | None
    ) -> tuple[dict[str, float], list[str]]:
        """Log scores by the words of each language's examples (and the prior), and the words
        known at all."""
        scores = {
            lang: math.log(FAVOURED_PRIOR if lang == favoured else 1.0) for lang in self.languages
        }
        known = [word for word in words if word in self.vocabulary]
        for word in known:
            for lang in self.languages:
                count = self.counts.get(lang, Counter())[word]
                scores[lang] += math.log(
                    (count + SMOOTHING) / (self.totals.get(lang, 0) + SMOOTHING * VOCABULARY_SIZE)
                )
        return scores, known

    def posterior(self, words: list[str], favoured: str | None = None) -> dict[str, float]:
        """P(language | words) over the shop's languages."""
        scores, known = self._word_scores(words, favoured)
        by_characters = self._langdetect(" ".join(words))
        if not known and not by_characters:
            return {}
        for lang in self.languages:  # langdetect is overconfident on short text: damped, floored
            scores[lang] += LANGDETECT_WEIGHT * math.log(max(by_characters.get(lang, 0.0), 0.01))
        top = max(scores.values())
        exps = {lang: math.exp(score - top) for lang, score in scores.items()}
        total = sum(exps.values())
        return {lang: value / total for lang, value in exps.items()}

    def _langdetect(self, text: str) -> dict[str, float]:
        detector = self._factory.create()
        detector.append(text)
        try:
            ranked = detector.get_probabilities()
        except LangDetectException:
            return {}
        return {
            base_language(r.lang): r.prob for r in ranked if base_language(r.lang) in self.languages
        }


def _lead(scores: dict[str, float]) -> tuple[str, float]:
    """The best-scored language and how far it leads the next one."""
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    return ranked[0][0], ranked[0][1] - ranked[1][1]


@functools.cache
def _langdetect_factory() -> DetectorFactory:
    """langdetect's profiles, loaded once per process (about a second and 50 MB each time)."""
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.seed = 0  # deterministic: the same text always gets the same language
    return factory


def _word_counts(directory: Path) -> Counter:
    counts: Counter = Counter()
    for path in directory.glob("*.yml"):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in (block.get("examples") or "").splitlines():
                text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.strip().removeprefix("- "))
                counts.update(words_of(text))
    return counts
