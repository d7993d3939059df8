from datetime import date

import pytest
from django.template import Context, Template
from django.utils import translation

from committees import dates, ordinals
from tests.factories import BodyFactory, SessionFactory

ENGLISH = [
    (1, "1st"),
    (2, "2nd"),
    (3, "3rd"),
    (4, "4th"),
    (10, "10th"),
    (11, "11th"),
    (12, "12th"),
    (13, "13th"),
    (14, "14th"),
    (21, "21st"),
    (22, "22nd"),
    (23, "23rd"),
    (41, "41st"),
    (100, "100th"),
    (101, "101st"),
    (102, "102nd"),
    (111, "111th"),
    (112, "112th"),
    (113, "113th"),
    (121, "121st"),
    (138, "138th"),
    (1011, "1011th"),
    (1021, "1021st"),
]

RUSSIAN = [
    # number, case, gender, expected
    (41, ordinals.NOMINATIVE, ordinals.FEMININE, "41-я"),  # 41-я сессия
    (41, ordinals.GENITIVE, ordinals.FEMININE, "41-й"),  # доклад 41-й сессии
    (41, ordinals.DATIVE, ordinals.FEMININE, "41-й"),  # к 41-й сессии
    (41, ordinals.ACCUSATIVE, ordinals.FEMININE, "41-ю"),  # провели 41-ю сессию
    (41, ordinals.INSTRUMENTAL, ordinals.FEMININE, "41-й"),  # перед 41-й сессией
    (41, ordinals.PREPOSITIONAL, ordinals.FEMININE, "41-й"),  # на 41-й сессии
    (3, ordinals.NOMINATIVE, ordinals.FEMININE, "3-я"),
    (138, ordinals.NOMINATIVE, ordinals.FEMININE, "138-я"),
    (41, ordinals.NOMINATIVE, ordinals.MASCULINE, "41-й"),  # 41-й созыв
    (41, ordinals.GENITIVE, ordinals.MASCULINE, "41-го"),
    (41, ordinals.DATIVE, ordinals.MASCULINE, "41-му"),
    (41, ordinals.ACCUSATIVE, ordinals.MASCULINE, "41-й"),
    (41, ordinals.INSTRUMENTAL, ordinals.MASCULINE, "41-м"),
    (41, ordinals.PREPOSITIONAL, ordinals.MASCULINE, "41-м"),
    (5, ordinals.NOMINATIVE, ordinals.NEUTER, "5-е"),  # 5-е заседание
    (5, ordinals.GENITIVE, ordinals.NEUTER, "5-го"),
    (5, ordinals.PREPOSITIONAL, ordinals.NEUTER, "5-м"),
]


@pytest.mark.parametrize(("number", "expected"), ENGLISH)
def test_english_ordinals(number, expected):
    assert ordinals.ordinal(number, "en") == expected
    # English has no cases: every case gives the same ordinal.
    assert {ordinals.ordinal(number, "en", case) for case in ordinals.CASES} == {expected}


@pytest.mark.parametrize(("number", "case", "gender", "expected"), RUSSIAN)
def test_russian_ordinals(number, case, gender, expected):
    assert ordinals.ordinal(number, "ru", case, gender) == expected


def test_ordinal_follows_the_active_language():
    with translation.override("en"):
        assert ordinals.ordinal(41) == "41st"
    with translation.override("ru"):
        assert ordinals.ordinal(41) == "41-я"


def test_unknown_case_is_an_error():
    with pytest.raises(ValueError, match="Unknown"):
        ordinals.ordinal(1, "ru", "vocative")


@pytest.mark.parametrize(
    ("language", "case", "expected"),
    [
        ("en", ordinals.NOMINATIVE, "139th/140th"),
        ("ru", ordinals.NOMINATIVE, "139-я/140-я"),
        ("ru", ordinals.PREPOSITIONAL, "139-й/140-й"),
        ("ru", ordinals.ACCUSATIVE, "139-ю/140-ю"),
    ],
)
def test_double_numbers(language, case, expected):
    assert ordinals.ordinal_pair(139, 140, language, case) == expected


SESSION_TITLES = [
    ("en", 41, None, ordinals.NOMINATIVE, "41st session of the WCO Enforcement Committee"),
    ("en", 41, None, ordinals.PREPOSITIONAL, "41st session of the WCO Enforcement Committee"),
    ("ru", 41, None, ordinals.NOMINATIVE, "41-я сессия Комитета по правоприменению ВТамО"),
    ("ru", 41, None, ordinals.GENITIVE, "41-й сессии Комитета по правоприменению ВТамО"),
    ("ru", 41, None, ordinals.ACCUSATIVE, "41-ю сессию Комитета по правоприменению ВТамО"),
    ("ru", 41, None, ordinals.INSTRUMENTAL, "41-й сессией Комитета по правоприменению ВТамО"),
    ("ru", 41, None, ordinals.PREPOSITIONAL, "41-й сессии Комитета по правоприменению ВТамО"),
    ("en", 111, None, ordinals.NOMINATIVE, "111th session of the WCO Enforcement Committee"),
    ("en", 121, None, ordinals.NOMINATIVE, "121st session of the WCO Enforcement Committee"),
    ("en", 139, 140, ordinals.NOMINATIVE, "139th/140th session of the WCO Enforcement Committee"),
    ("ru", 139, 140, ordinals.NOMINATIVE, "139-я/140-я сессия Комитета по правоприменению ВТамО"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "number", "second", "case", "expected"), SESSION_TITLES)
def test_session_titles(language, number, second, case, expected):
    body = BodyFactory(
        name_en="Enforcement Committee",
        name_ru="Комитет по правоприменению",
        name_genitive_ru="Комитета по правоприменению",
    )
    session = SessionFactory(body=body, number=number, second_number=second)
    with translation.override(language):
        assert session.title(case) == expected


@pytest.mark.django_db
def test_council_title_and_template_filters():
    council = BodyFactory(name_en="Council", name_ru="Совет", name_genitive_ru="Совета")
    session = SessionFactory(body=council, number=138)
    template = Template(
        "{% load committees_tags %}{{ session|session_title }}|"
        '{{ session|session_title:"prepositional" }}|{{ session|short_session_title }}|'
        '{{ 41|ordinal }}|{{ 41|ordinal:"accusative" }}|{{ "x"|ordinal }}'
    )
    with translation.override("ru"):
        assert template.render(Context({"session": session})) == (
            "138-я сессия Совета ВТамО|138-й сессии Совета ВТамО|138-я сессия|41-я|41-ю|"
        )
        assert council.title == "Совет ВТамО"
    with translation.override("en"):
        assert template.render(Context({"session": session})) == (
            "138th session of the WCO Council|138th session of the WCO Council|138th session|"
            "41st|41st|"
        )
        assert council.title == "WCO Council"


PARTIAL_DATES = [
    ("en", date(1983, 1, 1), dates.YEAR, "1983"),
    ("en", date(1983, 3, 1), dates.MONTH, "March 1983"),
    ("en", date(1953, 1, 26), dates.DAY, "26 January 1953"),
    ("ru", date(1983, 1, 1), dates.YEAR, "1983 г."),
    ("ru", date(1983, 3, 1), dates.MONTH, "март 1983 г."),
    ("ru", date(1953, 1, 26), dates.DAY, "26 января 1953 г."),
    ("ru", None, dates.DAY, ""),
]


@pytest.mark.parametrize(("language", "value", "precision", "expected"), PARTIAL_DATES)
def test_partial_dates(language, value, precision, expected):
    assert dates.format_partial_date(value, precision, language) == expected


DATE_RANGES = [
    ("en", date(2021, 3, 22), date(2021, 3, 26), "22–26 March 2021"),
    ("ru", date(2021, 3, 22), date(2021, 3, 26), "22–26 марта 2021 г."),
    ("en", date(2022, 3, 28), date(2022, 4, 1), "28 March – 1 April 2022"),
    ("ru", date(2022, 3, 28), date(2022, 4, 1), "28 марта – 1 апреля 2022 г."),
    ("en", date(2020, 6, 25), date(2020, 6, 25), "25 June 2020"),
    ("ru", date(2020, 6, 25), date(2020, 6, 25), "25 июня 2020 г."),
    ("en", date(2021, 12, 30), date(2022, 1, 2), "30 December 2021 – 2 January 2022"),
    ("ru", date(2021, 12, 30), date(2022, 1, 2), "30 декабря 2021 г. – 2 января 2022 г."),
]


@pytest.mark.parametrize(("language", "start", "end", "expected"), DATE_RANGES)
def test_date_ranges(language, start, end, expected):
    assert dates.format_date_range(start, end, language) == expected
