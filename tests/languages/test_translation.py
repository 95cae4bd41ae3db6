"""The translator: cached, off the event loop, and never fatal when a pair is missing."""

from __future__ import annotations

from helpdesk.languages.argos import ArgosEngine
from helpdesk.languages.translation import Translator
from tests.support.fakes import FakeEngine


async def test_the_same_text_is_translated_once():
    engine = FakeEngine({("zh", "en"): {"你好": "Hello"}})
    translator = Translator(engine)
    first = await translator.translate("你好", "zh", "en")
    again = await translator.translate("你好", "zh", "en")
    assert first.text == again.text == "Hello" and first.available
    assert engine.calls == [("你好", "zh", "en")]


async def test_a_missing_pair_passes_the_original_and_says_so():
    result = await Translator(FakeEngine()).translate("hola", "es", "de")
    assert (result.text, result.available) == ("hola", False)
    assert (await Translator(None).translate("hola", "es", "de")).available is False


async def test_a_failing_package_does_not_break_anything():
    class Broken(FakeEngine):
        def translate(self, text, source, target):
            raise RuntimeError("corrupt model")

    result = await Translator(Broken({("es", "en"): {}})).translate("hola", "es", "en")
    assert (result.text, result.available) == ("hola", False)


async def test_the_cache_forgets_the_oldest_entries():
    engine = FakeEngine({("es", "en"): {}})
    translator = Translator(engine, cache_size=2)
    for text in ("uno", "dos", "tres", "uno"):
        await translator.translate(text, "es", "en")
    assert [call[0] for call in engine.calls] == ["uno", "dos", "tres", "uno"]


def test_argos_pivots_through_english_where_no_direct_pair_exists():
    class Installed(ArgosEngine):
        def pairs(self):
            return {("zh", "en"), ("en", "es")}

    engine = Installed()
    assert engine.can_translate("zh", "es") and engine.can_translate("zh", "en")
    assert not engine.can_translate("es", "zh")


async def test_chinese_is_translated_clause_by_clause_so_no_question_is_dropped():
    # The real zh->en model, given both at once, returned only "How many points do I have now?".
    engine = FakeEngine(
        {
            ("zh", "en"): {
                "我现在有多少积分？": "How many points do I have now?",
                "另外退货是几天内可以退": "And the return is within days.",
            }
        }
    )
    result = await Translator(engine).translate(
        "我现在有多少积分？另外退货是几天内可以退", "zh", "en"
    )
    assert result.text == "How many points do I have now? And the return is within days."
    assert [call[0] for call in engine.calls] == ["我现在有多少积分？", "另外退货是几天内可以退"]


async def test_text_without_cjk_marks_goes_whole():
    engine = FakeEngine({("es", "en"): {"hola. ¿qué tal?": "hi. how are you?"}})
    assert (await Translator(engine).translate("hola. ¿qué tal?", "es", "en")).text == (
        "hi. how are you?"
    )
