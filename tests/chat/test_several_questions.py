"""Several questions in one message get an answer each: those answered in one go first, then
at most one thread, and nothing after an answer that waits for the shopper."""

from __future__ import annotations

from helpdesk.chat.several_questions import questions_in, waits_for_the_shopper
from helpdesk.rasa.client import BotMessage, Understanding
from tests.support.fakes import scripted_nlu

SURE, UNSURE = 0.95, 0.78
READS = {
    "how many points do i have rn": ("loyalty_balance", SURE),
    "oh and can i use klarna to pay next time": ("payment_methods", SURE),
    "si puo pagare cn paypal": ("payment_methods", SURE),
    "e la spedizione in italia qnt costa": ("shipping_info", SURE),
    "Die Stiefel sind mit abgebrochenem Absatz angekommen": ("complaint", SURE),
    "echt ärgerlich": ("complaint", 0.8),
    "Und wie lange braucht eigentlich Express nach Deutschland": Understanding(
        "shipping_info", SURE, {"country": "Deutschland"}
    ),
    "my order 10002 hasn't arrived": Understanding("order_status", SURE, {"order_number": "10002"}),
    "i want to cancel it": ("cancel_order", SURE),
    "vivo en francia": ("inform", SURE),
    "tengo que pagar yo el envio de vuelta": ("return_policy", SURE),
    "ship to canada": ("shipping_info", SURE),
    "and what about returns maybe": ("return_policy", UNSURE),
    "where is 10033": Understanding("order_status", SURE, {"order_number": "10033"}),
    "do you ship to spain": Understanding("shipping_info", SURE, {"country": "spain"}),
    "kann ich die 10001 noch stornieren": Understanding(
        "cancel_order", SURE, {"order_number": "10001"}
    ),
    "hab mich total verklickt": ("loyalty_balance", UNSURE),
    "tenho quantos pontos": ("loyalty_balance", SURE),
    "a encomenda 10033 foi mesmo cancelada ou não": Understanding(
        "order_status",
        0.57,
        {"order_number": "10033"},
        (("order_status", 0.57), ("cancel_order", 0.38), ("refund_status", 0.04)),
    ),
    "vorrei sapere quanti punti ho": ("loyalty_balance", SURE),
    "il mio ultimo ordine è il 10002": Understanding(
        "order_status", 0.74, {"order_number": "10002"}
    ),
    "hi need to send back the trainers from order 10023": Understanding(
        "start_return", SURE, {"order_number": "10023"}
    ),
    "do I pay the return postage": ("return_policy", SURE),
    "can i pay with wechat": ("payment_methods", 0.8),
    "我现在有多少积分": ("loyalty_balance", SURE),
    "另外退货是几天内可以退": ("return_policy", 0.8),
    "另外我住在上海": ("return_policy", 0.8),
    "a che punto è l'ordine 10002": Understanding("order_status", SURE, {"order_number": "10002"}),
    "ho pagato con paypal ieri": ("payment_methods", SURE),
    "how much is shipping to the usa": Understanding("shipping_info", SURE, {"country": "usa"}),
    "and do u take apple pay": ("payment_methods", SURE),
    "can i send the jacket back": ("start_return", SURE),
    "and get my money back": ("refund_status", SURE),
    "my email is li.wei@example.com": Understanding(
        "inform", SURE, {"email": "li.wei@example.com"}
    ),
}
understand = scripted_nlu(READS)


async def test_each_question_is_asked_the_rules_before_the_balance():
    text = "how many points do i have rn? oh and can i use klarna to pay next time"
    assert await questions_in(text, understand) == ["/payment_methods", "/loyalty_balance"]


async def test_the_country_of_one_question_is_the_country_of_the_others():
    text = "si puo pagare cn paypal? e la spedizione in italia qnt costa"
    assert await questions_in(text, understand) == [
        '/payment_methods{"country": "italia"}',
        '/shipping_info{"country": "italia"}',
    ]


async def test_a_thread_comes_after_the_questions_answered_in_one_go():
    text = (
        "Die Stiefel sind mit abgebrochenem Absatz angekommen, echt ärgerlich. "
        "Und wie lange braucht eigentlich Express nach Deutschland?"
    )
    assert await questions_in(text, understand) == [
        '/shipping_info{"country": "Deutschland"}',
        "/complaint",
    ]


async def test_a_thread_and_its_question_on_the_same_order_stay_one_message():
    assert (
        await questions_in("my order 10002 hasn't arrived, i want to cancel it", understand) == []
    )


async def test_a_story_around_one_question_is_one_question():
    text = "espera, vivo en francia, tengo que pagar yo el envio de vuelta?"
    assert await questions_in(text, understand) == []


async def test_a_clause_read_unsurely_asks_nothing():
    assert await questions_in("ship to canada? and what about returns maybe", understand) == []


async def test_a_story_read_unsurely_as_a_question_is_no_question():
    text = "kann ich die 10001 noch stornieren? hab mich total verklickt"
    assert await questions_in(text, understand) == []


async def test_a_clause_naming_an_order_is_a_question_about_it_although_the_nlu_hesitates():
    text = "tenho quantos pontos? e já agora, a encomenda 10033 foi mesmo cancelada ou não?"
    assert await questions_in(text, understand) == [
        "/loyalty_balance",
        '/order_status{"order_number": "10033"}',
    ]


async def test_a_clause_the_nlu_is_less_sure_of_asks_when_it_ends_with_a_question_mark():
    text = "how many points do i have rn? can i pay with wechat?"
    assert await questions_in(text, understand) == ["/payment_methods", "/loyalty_balance"]
    assert (
        await questions_in("how many points do i have rn? can i pay with wechat", understand) == []
    )


async def test_chinese_asks_with_words_as_with_a_question_mark():
    text = "我现在有多少积分？另外退货是几天内可以退"
    assert await questions_in(text, understand) == ["/return_policy", "/loyalty_balance"]
    assert await questions_in("我现在有多少积分？另外我住在上海", understand) == []


async def test_an_unmarked_clause_of_a_shopper_who_marks_questions_tells():
    text = "a che punto è l'ordine 10002?? ho pagato con paypal ieri"
    assert await questions_in(text, understand) == []


async def test_a_statement_about_an_order_beside_a_question_is_no_question():
    text = "vorrei sapere quanti punti ho, il mio ultimo ordine è il 10002"
    assert await questions_in(text, understand) == []


async def test_kindred_topics_side_by_side_are_one_question():
    text = "hi need to send back the trainers from order 10023, do I pay the return postage?"
    assert await questions_in(text, understand) == []


async def test_a_proof_given_anywhere_goes_to_the_questions_that_need_one():
    text = "how many points do i have rn? can i pay with wechat? my email is li.wei@example.com"
    assert await questions_in(text, understand) == [
        "/payment_methods",
        '/loyalty_balance{"email": "li.wei@example.com"}',
    ]


async def test_one_clause_asks_nothing_of_several():
    assert await questions_in("where is 10033", understand) == []


async def test_a_thread_keeps_its_own_values_and_the_country_goes_only_where_it_counts():
    text = "do you ship to spain? where is 10033"
    assert await questions_in(text, understand) == [
        '/shipping_info{"country": "spain"}',
        '/order_status{"order_number": "10033"}',
    ]


def test_an_answer_that_asks_or_offers_or_hands_over_waits_for_the_shopper():
    answered = [BotMessage(key="utter_payment_answer")]
    assert not waits_for_the_shopper(answered)
    balance = [
        BotMessage(key="utter_loyalty_balance_answer"),
        BotMessage(key="utter_referral_code"),
    ]
    assert not waits_for_the_shopper(balance)
    assert waits_for_the_shopper([BotMessage(key="utter_ask_country")])
    assert waits_for_the_shopper([BotMessage(key="utter_ask_verification")])
    assert waits_for_the_shopper([BotMessage(key="utter_refund_status")])
    offer = [BotMessage(key="utter_complaint", buttons=[{"title": "Yes", "payload": "/affirm"}])]
    assert waits_for_the_shopper(offer)
    assert waits_for_the_shopper([BotMessage(escalate={"reason": "human_handoff"})])
    assert waits_for_the_shopper([BotMessage(key="utter_ask_rephrase")])
    assert waits_for_the_shopper([BotMessage(key="utter_out_of_scope")])


async def test_two_questions_linked_inside_one_clause_are_each_asked():
    text = "hi there, how much is shipping to the usa and do u take apple pay?"
    assert await questions_in(text, understand) == [
        '/shipping_info{"country": "usa"}',
        '/payment_methods{"country": "usa"}',
    ]


async def test_a_link_inside_a_clause_between_kindred_topics_keeps_it_one_question():
    assert await questions_in("can i send the jacket back and get my money back?", understand) == []
    assert await questions_in("do you ship to spain and portugal?", understand) == []
