"""Ordinal numbers written with digits, as each language writes them.

English: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 111th, 121st.
Russian: the digits take the ending of the ordinal word in its gender and case
(«41-я сессия», «на 41-й сессии», «41-ю сессию», «41-й созыв», «41-го созыва»).
"""

from django.utils import translation

NOMINATIVE = "nominative"
GENITIVE = "genitive"
DATIVE = "dative"
ACCUSATIVE = "accusative"
INSTRUMENTAL = "instrumental"
PREPOSITIONAL = "prepositional"
CASES = (NOMINATIVE, GENITIVE, DATIVE, ACCUSATIVE, INSTRUMENTAL, PREPOSITIONAL)

FEMININE = "feminine"
MASCULINE = "masculine"
NEUTER = "neuter"

# The ending written after the hyphen, by gender and case. Every Russian ordinal word
# declines as an adjective, so the written ending does not depend on the number itself
# (первая, вторая, третья, сорок первая: all «-я»). Masculine accusative is the
# inanimate form («на 41-й созыв»), which is what bodies and meetings need.
RUSSIAN_ENDINGS = {
    FEMININE: {
        NOMINATIVE: "я",
        GENITIVE: "й",
        DATIVE: "й",
        ACCUSATIVE: "ю",
        INSTRUMENTAL: "й",
        PREPOSITIONAL: "й",
    },
    MASCULINE: {
        NOMINATIVE: "й",
        GENITIVE: "го",
        DATIVE: "му",
        ACCUSATIVE: "й",
        INSTRUMENTAL: "м",
        PREPOSITIONAL: "м",
    },
    NEUTER: {
        NOMINATIVE: "е",
        GENITIVE: "го",
        DATIVE: "му",
        ACCUSATIVE: "е",
        INSTRUMENTAL: "м",
        PREPOSITIONAL: "м",
    },
}


def english_ordinal(number: int) -> str:
    if number % 100 in (11, 12, 13):
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def russian_ordinal(number: int, case: str = NOMINATIVE, gender: str = FEMININE) -> str:
    try:
        ending = RUSSIAN_ENDINGS[gender][case]
    except KeyError as exc:
        raise ValueError(f"Unknown gender or case: {gender!r}, {case!r}") from exc
    return f"{number}-{ending}"


def ordinal(
    number: int, language: str | None = None, case: str = NOMINATIVE, gender: str = FEMININE
) -> str:
    """`number` as an ordinal in `language` (the active one by default).

    `case` and `gender` matter in Russian only; the default is the feminine nominative
    of «сессия».
    """
    language = (language or translation.get_language() or "en").split("-")[0]
    if language == "ru":
        return russian_ordinal(number, case, gender)
    return english_ordinal(number)


def ordinal_pair(
    first: int,
    second: int | None,
    language: str | None = None,
    case: str = NOMINATIVE,
    gender: str = FEMININE,
) -> str:
    """One meeting that carries two numbers: "139th/140th", «139-я/140-я»."""
    text = ordinal(first, language, case, gender)
    if second is not None:
        text += "/" + ordinal(second, language, case, gender)
    return text
