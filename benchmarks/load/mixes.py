"""The two message mixes of the load benchmark, short messages in six of the shop's languages:
small talk (answered by responses) and policy questions (answered by custom actions)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    """One shopper message that the bot reads as `intent`."""

    text: str
    intent: str


# Rules answer these with a response name only (utter_greet, utter_you_are_welcome, utter_iamabot):
# Rasa asks the helpdesk's NLG endpoint for the text and runs no action.
SMALL_TALK: dict[str, tuple[Line, ...]] = {
    "en": (
        Line("hello there", "greet"),
        Line("thanks a lot!", "thank_you"),
        Line("am I talking to a bot?", "bot_challenge"),
    ),
    "es": (
        Line("hola, buenos días", "greet"),
        Line("muchas gracias", "thank_you"),
        Line("¿eres un robot?", "bot_challenge"),
    ),
    "pt": (
        Line("olá, bom dia", "greet"),
        Line("muito obrigado", "thank_you"),
        Line("estou falando com um robô?", "bot_challenge"),
    ),
    "fr": (
        Line("bonjour", "greet"),
        Line("merci beaucoup", "thank_you"),
        Line("est-ce que je parle à un robot ?", "bot_challenge"),
    ),
    "de": (
        Line("guten Tag", "greet"),
        Line("vielen Dank", "thank_you"),
        Line("bist du ein Bot?", "bot_challenge"),
    ),
    "it": (
        Line("buongiorno", "greet"),
        Line("grazie mille", "thank_you"),
        Line("sei un bot?", "bot_challenge"),
    ),
}

# Rules answer these with a custom action (action_shipping_info, action_payment_methods,
# action_return_policy, action_loyalty_program) that the helpdesk's action webhook computes from
# policies/.
POLICY: dict[str, tuple[Line, ...]] = {
    "en": (
        Line("do you ship to Canada?", "shipping_info"),
        Line("which payment methods do you accept?", "payment_methods"),
        Line("what is your return policy?", "return_policy"),
        Line("how does your loyalty program work?", "loyalty_program"),
    ),
    "es": (
        Line("¿hacen envíos a México?", "shipping_info"),
        Line("¿qué métodos de pago aceptan?", "payment_methods"),
        Line("¿cuál es su política de devoluciones?", "return_policy"),
        Line("¿cómo funciona el programa de puntos?", "loyalty_program"),
    ),
    "pt": (
        Line("vocês enviam para o Brasil?", "shipping_info"),
        Line("quais formas de pagamento vocês aceitam?", "payment_methods"),
        Line("quais são as regras de devolução?", "return_policy"),
        Line("como funciona o programa de fidelidade?", "loyalty_program"),
    ),
    "fr": (
        Line("livrez-vous en Belgique ?", "shipping_info"),
        Line("quels moyens de paiement acceptez-vous ?", "payment_methods"),
        Line("quelle est votre politique de retour ?", "return_policy"),
        Line("comment fonctionne le programme de fidélité ?", "loyalty_program"),
    ),
    "de": (
        Line("liefert ihr nach Österreich?", "shipping_info"),
        Line("welche Zahlungsarten akzeptiert ihr?", "payment_methods"),
        Line("wie lange habe ich Zeit für eine Rücksendung?", "return_policy"),
        Line("wie funktioniert das Treueprogramm?", "loyalty_program"),
    ),
    "it": (
        Line("spedite in Svizzera?", "shipping_info"),
        Line("quali metodi di pagamento accettate?", "payment_methods"),
        Line("quali sono le regole per i resi?", "return_policy"),
        Line("come funziona il programma fedeltà?", "loyalty_program"),
    ),
}

MIXES: dict[str, dict[str, tuple[Line, ...]]] = {"small_talk": SMALL_TALK, "policy": POLICY}


def language_of(mix: str, shopper: int, round_: int) -> str:
    """The language a shopper writes in for one round: shoppers spread over the languages, and
    each changes language from round to round (a conversation keeps one language, as people do)."""
    languages = sorted(MIXES[mix])
    return languages[(shopper + round_) % len(languages)]


def lines_for(mix: str, shopper: int, round_: int, start: int, count: int) -> list[Line]:
    """The `count` messages a shopper sends in one round, from position `start` of its language's
    lines (each shopper starts at its own offset, so that shoppers do not all ask the same)."""
    lines = MIXES[mix][language_of(mix, shopper, round_)]
    return [lines[(shopper + start + step) % len(lines)] for step in range(count)]
