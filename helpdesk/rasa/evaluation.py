"""`python -m helpdesk eval FILE.csv`: intent accuracy through the path production uses.

Each row (text, label, lang) goes through what a shopper's message goes through before Rasa
(language detection, then languages/for_bot.py: translation to English with the installed
packages where production translates) and is then classified by the trained model on a real
Rasa server: the one configured, or one started for the run. `--rows OUT.csv` writes every row
with what reached Rasa, the prediction and its confidence.
"""

from __future__ import annotations

import asyncio
import csv
import json
import secrets
import socket
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from helpdesk.app import NLU_DIR
from helpdesk.chat.reading import as_the_bot_reads
from helpdesk.chat.wrapped import Understand
from helpdesk.languages import argos
from helpdesk.languages.detection import LanguageDetector
from helpdesk.languages.for_bot import text_for_bot
from helpdesk.languages.translation import Translator
from helpdesk.rasa.client import RasaBot, once_per_text
from helpdesk.rasa.process import rasa_server
from helpdesk.rasa.training import ensure_model
from helpdesk.settings import Settings

FALLBACK_INTENTS = {"nlu_fallback": "out_of_scope"}
# Intents finer than the evaluation contract's labels (shared/eval/INTENTS.md), scored as the
# label that holds them: asking to redeem points now is part of loyalty_program ("earning,
# redeeming, tiers...").
SCORED_AS = FALLBACK_INTENTS | {"redeem_points": "loyalty_program"}
PARALLEL_REQUESTS = 8


@dataclass(frozen=True)
class Row:
    text: str
    label: str
    lang: str


@dataclass(frozen=True)
class Scored:
    row: Row
    predicted: str
    detected_lang: str
    read: str = ""  # the text that reached Rasa
    confidence: float = 0.0


def read_rows(path: Path) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"text", "label", "lang"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(
                f"{path}: missing column(s) {', '.join(sorted(missing))}; "
                "the header must be text,label,lang"
            )
        return [Row(r["text"], r["label"].strip(), r["lang"].strip()) for r in reader]


def report(scored: list[Scored]) -> dict:
    def accuracy(items: list[Scored]) -> dict:
        right = sum(s.predicted == s.row.label for s in items)
        return {"accuracy": round(right / len(items), 4) if items else 0.0, "n": len(items)}

    by_lang: dict[str, list[Scored]] = defaultdict(list)
    by_label: dict[str, list[Scored]] = defaultdict(list)
    for item in scored:
        by_lang[item.row.lang].append(item)
        by_label[item.row.label].append(item)
    languages = {}
    for lang, items in sorted(by_lang.items()):
        detected = sum(s.detected_lang == lang for s in items)
        languages[lang] = {
            **accuracy(items),
            "lang_detect_accuracy": round(detected / len(items), 4),
        }
    confusions = Counter((s.row.label, s.predicted) for s in scored if s.predicted != s.row.label)
    return {
        "overall": accuracy(scored),
        "by_lang": languages,
        "by_label": {label: accuracy(items) for label, items in sorted(by_label.items())},
        "confusions": [
            {"label": label, "predicted": predicted, "count": count}
            for (label, predicted), count in confusions.most_common()
        ],
    }


def render(result: dict) -> str:
    lines = [
        f"overall accuracy {result['overall']['accuracy']:.3f} (n={result['overall']['n']})",
        "",
        "language  accuracy      n  language detection",
    ]
    for lang, figures in result["by_lang"].items():
        lines.append(
            f"{lang:<9} {figures['accuracy']:>8.3f} {figures['n']:>6}  "
            f"{figures['lang_detect_accuracy']:.3f}"
        )
    lines += ["", "label              accuracy      n"]
    for label, figures in result["by_label"].items():
        lines.append(f"{label:<18} {figures['accuracy']:>8.3f} {figures['n']:>6}")
    lines += ["", "most frequent confusions (label -> predicted)"]
    lines += [
        f"  {c['label']} -> {c['predicted']}: {c['count']}" for c in result["confusions"][:15]
    ]
    return "\n".join(lines)


Classify = Callable[[str], Awaitable[tuple[str, float]]]
Prepare = Callable[[Row], Awaitable[tuple[str, str]]]


async def score(rows: list[Row], classify: Classify, prepare: Prepare) -> list[Scored]:
    """Every row through `prepare` (-> detected language, text for the bot) and `classify`."""
    limit = asyncio.Semaphore(PARALLEL_REQUESTS)

    async def one(row: Row) -> Scored:
        async with limit:
            detected, text = await prepare(row)
            intent, confidence = await classify(text)
            return Scored(row, SCORED_AS.get(intent, intent), detected, text, confidence)

    return await asyncio.gather(*(one(row) for row in rows))


def as_production_prepares(
    detector: LanguageDetector,
    translator: Translator,
    native: Collection[str],
    understand: Understand,
) -> Prepare:
    """What production does before Rasa, for a first message with no widget hint: detect the
    language, then what the bot reads of it (translated to English where no native data is),
    then as the chat reads a first message (chat/reading.py)."""

    async def prepare(row: Row) -> tuple[str, str]:
        lang = detector.detect(row.text).lang
        read = await text_for_bot(row.text, lang, native=native, translator=translator)
        return lang, await as_the_bot_reads(read.text, understand)

    return prepare


def write_rows(scored: list[Scored], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "text",
                "label",
                "lang",
                "detected_lang",
                "text_for_bot",
                "predicted",
                "confidence",
                "right",
            ]
        )
        for item in scored:
            writer.writerow(
                [
                    item.row.text,
                    item.row.label,
                    item.row.lang,
                    item.detected_lang,
                    item.read,
                    item.predicted,
                    f"{item.confidence:.4f}",
                    int(item.predicted == item.row.label),
                ]
            )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _rasa_is_ready(http: aiohttp.ClientSession, url: str, token: str) -> bool:
    try:
        async with http.get(f"{url}/status", params={"token": token}) as answer:
            return answer.status == 200 and bool((await answer.json()).get("model_id"))
    except aiohttp.ClientError:
        return False


async def production_translator(settings: Settings) -> Translator:
    """The translation packages installed for the service (var/argos), as the service uses them."""
    await asyncio.to_thread(argos.configure, settings.var_dir)
    return Translator(argos.ArgosEngine())


async def evaluate(
    settings: Settings, path: Path, *, progress=print, rows_out: Path | None = None
) -> dict:
    rows = read_rows(path)
    async with aiohttp.ClientSession() as http:
        url, token, started = settings.rasa_url, settings.rasa_token, None
        if not (token and await _rasa_is_ready(http, url, token)):
            url, token = f"http://127.0.0.1:{_free_port()}", secrets.token_urlsafe(16)
            started = rasa_server(
                model=ensure_model(settings.var_dir),
                rasa_url=url,
                token=token,
                # /model/parse runs the NLU alone: this server never calls the helpdesk back,
                # so it gets the usual address and a secret of its own that no listener takes.
                callbacks_url=f"http://127.0.0.1:{settings.rasa_callbacks_port}",
                callbacks_token=secrets.token_urlsafe(32),
                var_dir=settings.var_dir / "eval",
            )
            progress("Starting a Rasa server for the evaluation (about a minute)…")
            started.start()
        try:
            while not await _rasa_is_ready(http, url, token):
                if started is not None and not started.running():
                    raise RuntimeError(f"Rasa stopped; see {started.log_path}")
                await asyncio.sleep(1)

            bot = RasaBot(url, token, timeout=60, http=http)
            # One model for the whole run: each distinct text is read once, as the relay does in
            # a turn (the reading rules and the final classification often ask the same words).
            understand = once_per_text(bot.understand)

            async def classify(text: str) -> tuple[str, float]:
                understood = await understand(text)
                return understood.intent or "out_of_scope", understood.confidence

            progress(f"Scoring {len(rows)} sentences from {path}…")
            detector = LanguageDetector.from_training_data(settings.languages, NLU_DIR)
            prepare = as_production_prepares(
                detector,
                await production_translator(settings),
                settings.native_languages,
                understand,
            )
            scored = await score(rows, classify, prepare)
            if rows_out is not None:
                write_rows(scored, rows_out)
            return report(scored)
        finally:
            if started is not None:
                started.stop()


def main(
    settings: Settings, path: Path, json_out: Path | None, rows_out: Path | None = None
) -> int:
    result = asyncio.run(evaluate(settings, path, rows_out=rows_out))
    print(render(result))
    if rows_out is not None:
        print(f"\nevery row, with what reached Rasa: {rows_out}")
    if json_out is not None:
        json_out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
        print(f"\nJSON written to {json_out}")
    return 0
