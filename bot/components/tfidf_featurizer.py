"""A sparse featurizer: TF-IDF of word 1-2-grams and of character 1-5-grams, for each message.

Rasa's CountVectorsFeaturizer gives raw counts, so a long message weighs more than a short one and
a frequent n-gram ("de", "the") as much as a rare, telling one; its classifier cannot even be told
how much to regularise. Here each block is sub-linear TF-IDF, L2-normalised per message, and
multiplied by `weight`: with Rasa's LogisticRegressionClassifier (C = 1 fixed) a weight w acts as
C = w * w. Chosen by measurement: benchmarks/nlu_pipelines.py ("tfidf + encoder").

Only sentence features are added: the intent classifier reads only those (the CRF reads its own
token features), and a vector per token would be built for no one.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer

log = logging.getLogger(__name__)
BLOCKS = ("words", "chars")


def vectorizer(block: str, vocabulary: list[str] | None = None) -> TfidfVectorizer:
    if block == "words":
        # Rasa's tokens are already split; a token of one letter ("a", "y", "é") still counts.
        return TfidfVectorizer(
            sublinear_tf=True, token_pattern=r"(?u)\b\w+\b", ngram_range=(1, 2),
            vocabulary=vocabulary,
        )  # fmt: skip
    # char_wb: n-grams inside words, padded with spaces, so word starts and ends are features.
    return TfidfVectorizer(
        sublinear_tf=True, analyzer="char_wb", ngram_range=(1, 5), vocabulary=vocabulary
    )


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class TfidfNgramsFeaturizer(SparseFeaturizer, GraphComponent):
    """Adds weight x [TF-IDF of words | TF-IDF of char n-grams] of TEXT as sentence features."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**SparseFeaturizer.get_default_config(), "weight": 1.0}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        vectorizers: dict[str, TfidfVectorizer] | None = None,
    ) -> None:
        super().__init__(execution_context.node_name, config)
        self._model_storage, self._resource = model_storage, resource
        self.vectorizers = vectorizers or {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TfidfNgramsFeaturizer:
        return cls(config, model_storage, resource, execution_context)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if not float(config["weight"]) > 0:
            raise InvalidConfigException("TfidfNgramsFeaturizer: weight must be above 0")

    def train(self, training_data: TrainingData) -> Resource:
        texts = [joined_tokens(m) for m in training_data.training_examples if m.get(TEXT)]
        self.vectorizers = {block: vectorizer(block).fit(texts) for block in BLOCKS}
        self._persist()
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        if not self.vectorizers:  # not trained (no NLU data): nothing to add
            return messages
        with_text = [message for message in messages if message.get(TEXT)]
        if not with_text:
            return messages
        features = self._features([joined_tokens(message) for message in with_text])
        for row, message in enumerate(with_text):
            self.add_features_to_message(
                sequence=None, sentence=features.getrow(row).tocoo(), attribute=TEXT,
                message=message,
            )  # fmt: skip
        return messages

    def _features(self, texts: list[str]) -> scipy.sparse.csr_matrix:
        blocks = [self.vectorizers[block].transform(texts) for block in BLOCKS]
        return float(self._config["weight"]) * scipy.sparse.hstack(blocks).tocsr()

    def _persist(self) -> None:
        # Vocabulary and IDF as JSON and .npy, not pickles: loading a model runs no code.
        with self._model_storage.write_to(self._resource) as model_dir:
            for block, fitted in self.vectorizers.items():
                terms = sorted(fitted.vocabulary_, key=fitted.vocabulary_.__getitem__)
                (model_dir / f"{block}.json").write_text(json.dumps(terms), encoding="utf-8")
                np.save(model_dir / f"{block}_idf.npy", fitted.idf_, allow_pickle=False)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TfidfNgramsFeaturizer:
        try:
            with model_storage.read_from(resource) as model_dir:
                vectorizers = {}
                for block in BLOCKS:
                    terms = json.loads((model_dir / f"{block}.json").read_text(encoding="utf-8"))
                    vectorizers[block] = vectorizer(block, terms)
                    vectorizers[block].idf_ = np.load(model_dir / f"{block}_idf.npy")
        except (ValueError, FileNotFoundError):
            log.warning("TfidfNgramsFeaturizer: no trained vocabulary in the model")
            vectorizers = {}
        return cls(config, model_storage, resource, execution_context, vectorizers)


def joined_tokens(message: Message) -> str:
    """The message's tokens (Rasa's tokenizer: punctuation gone), lower-cased, in one string."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    return " ".join(token.text for token in tokens).lower()
