"""The conversation suite is well formed: every file parses and every check can run and fail.

Fast, no Rasa: what benchmarks/conversations.py needs of the files, and the rules of the suite
(each language exercises every way shoppers trip a bot; no sentence comes from the training data).
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from helpdesk.orders.demo import CUSTOMERS
from helpdesk.settings import Settings
from tests.bot.test_eval_sets_held_out import normalised, training_sentences
from tests.conversations.suite import (
    KINDS,
    PARTS,
    Conversation,
    load_file,
    required_kinds,
    suite_files,
)

FILES = suite_files(list(PARTS))
# One or two words ("yes", "cancel", "refund?") are everyone's words, in the training data too;
# from this many words on, a sentence found there was copied.
WORDS_OF_A_COPIED_SENTENCE = 4


def every_conversation() -> list[Conversation]:
    return [conversation for part, path in FILES for conversation in load_file(path, part)]


@pytest.mark.parametrize(("part", "path"), FILES, ids=[f"{p}/{f.name}" for p, f in FILES])
def test_every_file_parses_and_is_a_shop_language(part, path):
    assert path.stem in Settings().languages, f"{path}: not one of the shop's languages"
    assert load_file(path, part), f"{path}: no conversations"


def test_ids_are_unique_across_the_suite_and_name_their_language():
    conversations = every_conversation()
    repeated = [id for id, count in Counter(c.id for c in conversations).items() if count > 1]
    assert repeated == []
    misnamed = [c.id for c in conversations if not c.id.startswith(f"{c.lang}-")]
    assert misnamed == []


def test_kinds_are_known():
    unknown = {(c.id, kind) for c in every_conversation() for kind in c.kinds if kind not in KINDS}
    assert unknown == set()


def test_every_regex_compiles_and_can_fail():
    broken = []
    for conversation in every_conversation():
        for turn in conversation.turns:
            for pattern in (*turn.expect, *turn.forbid, *turn.buttons):
                try:
                    compiled = re.compile(pattern, re.IGNORECASE)
                except re.error as error:
                    broken.append((conversation.id, pattern, str(error)))
                    continue
                if compiled.search("") is not None:  # matches anything: checks nothing
                    broken.append((conversation.id, pattern, "matches an empty reply"))
    assert broken == []


@pytest.mark.parametrize(("part", "path"), FILES, ids=[f"{p}/{f.name}" for p, f in FILES])
def test_each_language_has_every_failure_kind(part, path):
    covered = {kind for c in load_file(path, part) for kind in c.kinds}
    missing = [kind for kind in required_kinds(path.stem) if kind not in covered]
    assert missing == [], f"{path}: no conversation of kind {missing}"


def test_identities_are_demo_customers():
    customers = {customer[0] for customer in CUSTOMERS}
    strangers = [
        (c.id, c.identity)
        for c in every_conversation()
        if c.identity and c.identity not in customers
    ]
    assert strangers == []


def test_no_sentence_is_copied_into_the_training_data():
    trained = training_sentences()
    copied = [
        (c.id, turn.say)
        for c in every_conversation()
        for turn in c.turns
        if len(normalised(turn.say).split()) >= WORDS_OF_A_COPIED_SENTENCE
        and normalised(turn.say) in trained
    ]
    assert copied == []
