"""Each flow, in each of the six languages, through the chat API and the real trained bot.

No locale hint is sent: the language is detected from what the shopper writes, and the answers
must come back in it, carrying facts only the example shop's data and policies hold.
"""

from __future__ import annotations

import pytest

from helpdesk.languages.locales import Locales
from helpdesk.settings import PROJECT_ROOT
from tests.conftest import open_session

pytestmark = pytest.mark.rasa
LOCALES = Locales.load(PROJECT_ROOT / "locales")

# (where is my order, return rules in Germany, shipping to Brazil, payments in Brazil,
#  how the rewards work in Spain)
SHOPPERS = {
    "en": (
        "hello, where is my order 10010?",
        "what's your return policy for Germany?",
        "how much is shipping to Brazil?",
        "which payment methods can I use in Brazil?",
        "how does your rewards programme work in Spain?",
    ),
    "es": (
        "hola, dónde está mi pedido 10010?",
        "cuál es la política de devoluciones en Alemania?",
        "cuánto cuesta el envío a Brasil?",
        "qué formas de pago aceptan en Brasil?",
        "cómo funciona el programa de puntos en España?",
    ),
    "pt": (
        "oi, cadê meu pedido 10010?",
        "qual é a política de devolução na Alemanha?",
        "quanto custa o frete para o Brasil?",
        "quais formas de pagamento vocês aceitam no Brasil?",
        "como funciona o programa de pontos na Espanha?",
    ),
    "fr": (
        "bonjour, où est ma commande 10010 ?",
        "quelle est votre politique de retour en Allemagne ?",
        "combien coûte la livraison au Brésil ?",
        "quels moyens de paiement acceptez-vous au Brésil ?",
        "comment fonctionne votre programme de fidélité en Espagne ?",
    ),
    "de": (
        "hallo, wo ist meine Bestellung 10010?",
        "wie sind eure Rückgabebedingungen in Deutschland?",
        "was kostet der Versand nach Brasilien?",
        "welche Zahlungsarten gibt es in Brasilien?",
        "wie funktioniert euer Bonusprogramm in Spanien?",
    ),
    "it": (
        "ciao, dov'è il mio ordine 10010?",
        "qual è la politica di reso in Germania?",
        "quanto costa la spedizione in Brasile?",
        "quali metodi di pagamento accettate in Brasile?",
        "come funziona il programma fedeltà in Spagna?",
    ),
}


async def answer(shopper, text: str) -> dict:
    reply = await shopper.say(text)
    assert reply["messages"], f"no answer to {text!r}"
    return reply["messages"][0]


@pytest.mark.parametrize("lang", sorted(SHOPPERS))
async def test_every_flow_answers_in_the_shoppers_language_from_the_shops_data(helpdesk, lang):
    where, returns, shipping, payments, rewards = SHOPPERS[lang]
    shopper = await open_session(helpdesk)

    asked = await answer(shopper, where)
    assert asked["lang"] == lang
    assert (
        asked["text"]
        == LOCALES.render("utter_ask_verification", lang, {"order_number": "10010"}).text
    )
    status = await answer(shopper, "ana.garcia@example.com")
    assert "AN10010NL" in status["text"] and "PostNL" in status["text"]
    assert status["lang"] == lang

    policy = await answer(shopper, returns)
    assert " 60 " in policy["text"] and policy["lang"] == lang  # Germany's override: 60 days

    shipping_answer = await answer(shopper, shipping)
    assert "Correios" in shipping_answer["text"] and shipping_answer["lang"] == lang

    payment_answer = await answer(shopper, payments)
    assert "Pix" in payment_answer["text"] and "BRL" in payment_answer["text"]

    rewards_answer = await answer(shopper, rewards)
    assert "Atelier Nord Rewards" in rewards_answer["text"] and rewards_answer["lang"] == lang


# A yes, as shoppers write it, to "Shall I cancel it?"
YES = {
    "en": "yes please",
    "es": "si",
    "pt": "sim",
    "fr": "oui",
    "de": "ja bitte",
    "it": "si grazie",
}
# (cancel order 10001, refund of order 10029, my points, return from order 10025, complaint,
#  ask for a person)
MORE = {
    "en": (
        "I want to cancel order 10001",
        "where is my refund for order 10029?",
        "how many points do I have?",
        "I'd like to return something from order 10025",
        "this is unacceptable, worst service ever",
        "I want to talk to a person",
    ),
    "es": (
        "quiero cancelar el pedido 10001",
        "dónde está mi reembolso del pedido 10029?",
        "cuántos puntos tengo?",
        "quiero devolver algo del pedido 10025",
        "esto es inaceptable, el peor servicio que he tenido",
        "quiero hablar con una persona",
    ),
    "pt": (
        "quero cancelar o pedido 10001",
        "cadê meu reembolso do pedido 10029?",
        "quantos pontos eu tenho?",
        "quero devolver um item do pedido 10025",
        "isso é um absurdo, pior atendimento que já tive",
        "quero falar com um atendente",
    ),
    "fr": (
        "je veux annuler la commande 10001",
        "où en est mon remboursement pour la commande 10029 ?",
        "combien de points j'ai ?",
        "je voudrais retourner un article de la commande 10025",
        "c'est inadmissible, le pire service que j'aie connu",
        "je veux parler à un conseiller",
    ),
    "de": (
        "ich möchte die Bestellung 10001 stornieren",
        "wo bleibt meine Erstattung für Bestellung 10029?",
        "wie viele Punkte habe ich?",
        "ich möchte etwas aus Bestellung 10025 zurücksenden",
        "das ist eine Frechheit, der schlechteste Service überhaupt",
        "ich will mit einem Menschen sprechen",
    ),
    "it": (
        "voglio annullare l'ordine 10001",
        "dov'è il mio rimborso per l'ordine 10029?",
        "quanti punti ho?",
        "vorrei fare il reso di un articolo dell'ordine 10025",
        "è inaccettabile, il peggior servizio di sempre",
        "voglio parlare con un operatore",
    ),
}


@pytest.mark.parametrize("lang", sorted(MORE))
async def test_orders_returns_refunds_points_complaints_and_people_in_every_language(
    helpdesk, lang
):
    cancel, refund, points, give_back, complaint, person = MORE[lang]
    shopper = await open_session(helpdesk)
    say = LOCALES.render

    await answer(shopper, cancel)  # asks for the email or postal code on order 10001
    asked = await answer(shopper, "10115")
    assert asked["text"] == say("utter_confirm_cancel", lang, {"order_number": "10001"}).text
    cancelled = await answer(shopper, YES[lang])
    assert (
        cancelled["text"] == say("utter_order_cancelled_now", lang, {"order_number": "10001"}).text
    )

    await answer(shopper, refund)
    settled = await answer(shopper, "ana.garcia@example.com")
    assert "RMA-10029-1" in settled["text"] and settled["lang"] == lang

    balance = await answer(shopper, points)  # order 10029 is proven: Ana's own account
    assert balance["lang"] == lang and any(ch.isdigit() for ch in balance["text"])
    assert balance["text"] != say("utter_ask_order_number", lang).text

    await answer(shopper, give_back)
    returned = await answer(shopper, "28013")
    assert "10025" in returned["text"] or "RMA-10025" in returned["text"]

    sorry = await answer(shopper, complaint)
    assert sorry["text"] == say("utter_complaint", lang).text

    handed_over = await shopper.say(person)
    assert handed_over["state"] == "queued"
    assert handed_over["messages"][0]["text"] == say("utter_handoff", lang).text
