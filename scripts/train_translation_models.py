"""Trains the small en->es and es->en translation models of the tests and packages them for Argos.

Run: .venv/bin/python scripts/train_translation_models.py [OUT_DIR]   (default var/cache/test-models)

Each direction is a tiny MarianMT transformer trained from scratch (seeded, CPU, the two
directions side by side, one core each) on
scripts/translation_corpus/en_es.tsv with one SentencePiece vocabulary for both languages,
converted to CTranslate2 (int8) and zipped as OUT_DIR/en_es.argosmodel and es_en.argosmodel.
A package whose metadata carries the hash of this script and the corpus is up to date and kept.
The models translate support sentences like the corpus's; they are test fixtures, not products.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import multiprocessing
import random
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "scripts" / "translation_corpus" / "en_es.tsv"
NAMES = {"en": "English", "es": "Spanish"}
SEED = 20240611
VOCAB_SIZE = 2000
STEPS = 720
TOKENS_PER_BATCH = 2000
ARCHITECTURE = dict(
    d_model=128,
    encoder_layers=2,
    decoder_layers=2,
    encoder_attention_heads=4,
    decoder_attention_heads=4,
    encoder_ffn_dim=512,
    decoder_ffn_dim=512,
    max_position_embeddings=128,
    dropout=0.05,
    attention_dropout=0.0,
    activation_function="swish",
    scale_embedding=True,
)
SAMPLES = {
    "en": ["Your refund has been sent.", "Where is my order?"],
    "es": ["¿Dónde está mi pedido?", "Quiero devolver la chaqueta azul."],
}
log = logging.getLogger("train_translation_models")


def training_key() -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes() + CORPUS.read_bytes())
    return digest.hexdigest()[:16]


def read_pairs() -> list[tuple[str, str]]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line and not line.startswith("#")]


def train_sentencepiece(pairs: list[tuple[str, str]], workdir: Path) -> Path:
    """One vocabulary for both languages: Argos tokenizes the source and decodes the target
    with the same sentencepiece.model. Ids: </s> 0, <unk> 1 (Marian's order), digits alone."""
    import sentencepiece

    sentences = [text for pair in pairs for text in pair]
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences),
        model_prefix=str(workdir / "sentencepiece"),
        vocab_size=VOCAB_SIZE,
        model_type="unigram",
        character_coverage=1.0,
        split_digits=True,
        eos_id=0,
        unk_id=1,
        bos_id=-1,
        pad_id=-1,
        num_threads=1,
        hard_vocab_limit=False,
        shuffle_input_sentence=False,
        minloglevel=2,
    )
    return workdir / "sentencepiece.model"


def batches(examples: list[tuple[list[int], list[int]]], rng: random.Random):
    """Endless batches of similar length (little padding), in a seeded order."""
    while True:
        order = sorted(examples, key=lambda example: (len(example[0]), rng.random()))
        chunk, longest, epoch = [], 0, []
        for source, target in order:
            longest = max(longest, len(source), len(target))
            if chunk and longest * (len(chunk) + 1) > TOKENS_PER_BATCH:
                epoch.append(chunk)
                chunk, longest = [], max(len(source), len(target))
            chunk.append((source, target))
        epoch.append(chunk)
        rng.shuffle(epoch)
        yield from epoch


def padded(rows: list[list[int]], value: int):
    import torch

    width = max(len(row) for row in rows)
    return torch.tensor([row + [value] * (width - len(row)) for row in rows])


def train(pairs: list[tuple[str, str]], sp, steps: int):
    import torch
    from transformers import MarianConfig, MarianMTModel
    from transformers.models.marian.modeling_marian import shift_tokens_right

    torch.manual_seed(SEED)
    vocab = sp.get_piece_size()
    pad = vocab  # Marian's <pad> is the last id; the decoder starts from it (a zero embedding)
    config = MarianConfig(
        vocab_size=vocab + 1,
        pad_token_id=pad,
        decoder_start_token_id=pad,
        eos_token_id=0,
        forced_eos_token_id=0,
        **ARCHITECTURE,
    )
    model = MarianMTModel(config)
    examples = [
        (sp.encode(source)[:100] + [0], sp.encode(target)[:100] + [0]) for source, target in pairs
    ]
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, betas=(0.9, 0.98), weight_decay=0.01)
    warmup = 50
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, (warmup / (step + 1)) ** 0.5)
    )
    model.train()
    stream = batches(examples, random.Random(SEED))
    for step in range(steps):
        batch = next(stream)
        sources = padded([source for source, _ in batch], pad)
        labels = padded([target for _, target in batch], -100)
        decoder_inputs = shift_tokens_right(labels, pad, pad)
        # Without <pad>'s logit: its embedding row (tied to the output) must stay the zero vector
        # CTranslate2 starts the decoder from, or the first word of every translation goes astray.
        logits = model(
            input_ids=sources, attention_mask=sources.ne(pad), decoder_input_ids=decoder_inputs
        ).logits[..., :pad]
        loss = torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.size(-1)),
            labels.reshape(-1),
            ignore_index=-100,
            label_smoothing=0.1,
        )
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        if step % 50 == 0 or step == steps - 1:
            log.info("  step %4d/%d  loss %.3f", step + 1, steps, loss.item())
    return model.eval()


def convert(model, sp, sp_path: Path, workdir: Path) -> Path:
    """To CTranslate2 through a Transformers folder (model + the MarianTokenizer files)."""
    from ctranslate2.converters import TransformersConverter

    folder = workdir / "transformers"
    model.save_pretrained(folder)
    vocabulary = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())} | {
        "<pad>": sp.get_piece_size()
    }
    (folder / "vocab.json").write_text(json.dumps(vocabulary, ensure_ascii=False), encoding="utf-8")
    for name in ("source.spm", "target.spm"):
        shutil.copy(sp_path, folder / name)
    (folder / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "tokenizer_class": "MarianTokenizer",
                "eos_token": "</s>",
                "unk_token": "<unk>",
                "pad_token": "<pad>",
                "model_max_length": 128,
            }
        )
    )
    output = workdir / "ctranslate2"
    TransformersConverter(str(folder)).convert(str(output), quantization="int8", force=True)
    # Trained with </s> after every source sentence; Argos passes bare pieces, CTranslate2 adds it.
    config = json.loads((output / "config.json").read_text())
    (output / "config.json").write_text(json.dumps(config | {"add_source_eos": True}, indent=2))
    return output


README = """\
Small {source_name} -> {target_name} model for the tests and demos of the shop-support helpdesk.
Trained from scratch by scripts/train_translation_models.py (a {layers}+{layers}-layer MarianMT
transformer, d_model {d_model}, CTranslate2 int8, one SentencePiece vocabulary of both languages)
on scripts/translation_corpus/en_es.tsv, a corpus of customer-support sentences written for the
project. It translates sentences like the corpus's and little else.
Licence: Apache-2.0, as the repository. Training key: {key}.
"""


def package(
    model_dir: Path, sp_path: Path, source: str, target: str, key: str, output: Path
) -> None:
    top = f"translate-{source}_{target}-test"
    metadata = {
        "package_version": "0.1",
        "argos_version": "1.11.0",
        "from_code": source,
        "from_name": NAMES[source],
        "to_code": target,
        "to_name": NAMES[target],
        "type": "translate",
        "training_key": key,
        "links": [],
        "description": "Small test model trained on support sentences",
    }
    files = {
        f"{top}/metadata.json": json.dumps(metadata, indent=2).encode(),
        f"{top}/sentencepiece.model": sp_path.read_bytes(),
        f"{top}/README": README.format(
            source_name=NAMES[source],
            target_name=NAMES[target],
            layers=ARCHITECTURE["encoder_layers"],
            key=key,
            d_model=ARCHITECTURE["d_model"],
        ).encode(),
    }
    files |= {f"{top}/model/{path.name}": path.read_bytes() for path in sorted(model_dir.iterdir())}
    partial = output.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():  # fixed timestamps: the same training gives the same zip
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)
    partial.replace(output)


def up_to_date(path: Path, key: str) -> bool:
    if not path.exists():
        return False
    with zipfile.ZipFile(path) as archive:
        [name] = [name for name in archive.namelist() if name.endswith("/metadata.json")]
        return json.loads(archive.read(name)).get("training_key") == key


def samples(model_dir: Path, sp, source: str) -> None:
    import ctranslate2

    translator = ctranslate2.Translator(str(model_dir), device="cpu")
    for text in SAMPLES[source]:
        result = translator.translate_batch([sp.encode(text, out_type=str)], beam_size=4)
        log.info("  %s -> %s", text, sp.decode(result[0].hypotheses[0]))


def build(source: str, target: str, sp_path: Path, key: str, output: Path, steps: int) -> None:
    """One direction, in its own process on one core: the two directions train side by side."""
    import sentencepiece
    import torch

    logging.basicConfig(level=logging.INFO, format=f"{source}->{target} %(message)s")
    torch.set_num_threads(1)
    started = time.monotonic()
    sp = sentencepiece.SentencePieceProcessor(model_file=str(sp_path))
    oriented = [(en, es) if source == "en" else (es, en) for en, es in read_pairs()]
    log.info("%d pairs, vocabulary %d, %d steps", len(oriented), sp.get_piece_size(), steps)
    model = train(oriented, sp, steps)
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = convert(model, sp, sp_path, Path(tmp))
        samples(model_dir, sp, source)
        package(model_dir, sp_path, source, target, key, output)
    log.info("%s: %.0f s, %.1f MB", output, time.monotonic() - started, output.stat().st_size / 1e6)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "var" / "cache" / "test-models")
    parser.add_argument("--steps", type=int, default=STEPS, help="training steps per direction")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    key = training_key() + ("" if args.steps == STEPS else f"-{args.steps}")
    targets = {
        (source, target): args.out / f"{source}_{target}.argosmodel"
        for source, target in (("en", "es"), ("es", "en"))
    }
    todo = {pair: path for pair, path in targets.items() if not up_to_date(path, key)}
    if not todo:
        log.info("up to date: %s", ", ".join(str(path) for path in targets.values()))
        return
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        sp_path = train_sentencepiece(read_pairs(), Path(tmp))
        spawn = multiprocessing.get_context("spawn")
        workers = [
            spawn.Process(target=build, args=(source, target, sp_path, key, path, args.steps))
            for (source, target), path in todo.items()
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    if any(worker.exitcode for worker in workers):
        raise SystemExit("training failed, see above")
    log.info(
        "trained %s in %.0f s",
        " and ".join(f"{s}->{t}" for s, t in todo),
        time.monotonic() - started,
    )


if __name__ == "__main__":
    main()
