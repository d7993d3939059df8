from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from committees.models import Delegation, Post
from tests.factories import (
    ArticleFactory,
    BodyFactory,
    DelegationFactory,
    PersonFactory,
    PhaseFactory,
    PostFactory,
    SessionFactory,
    TermFactory,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["ru", "en"]


def url(name, language, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2022, 6, 1), tick=False):
        yield


@pytest.fixture
def registry():
    council = BodyFactory(
        slug="council",
        name_en="Council",
        name_ru="Совет",
        name_genitive_ru="Совета",
        position=1,
        established_on=date(1952, 11, 4),
        established_precision="day",
    )
    commission = BodyFactory(
        slug="policy-commission",
        name_en="Policy Commission",
        name_ru="Политическая комиссия",
        name_genitive_ru="Политической комиссии",
        reports_to=[council],
        position=2,
        established_on=date(1978, 1, 1),
    )
    ec = BodyFactory(
        slug="enforcement-committee",
        name_en="Enforcement Committee",
        name_ru="Комитет по правоприменению",
        name_genitive_ru="Комитета по правоприменению",
        abbreviation_en="EC",
        abbreviation_ru="КП",
        description_en="A working body of the WCO.",
        description_ru="Рабочий орган ВТамО.",
        reports_to=[council, commission],
        position=3,
    )
    group = BodyFactory(
        slug="working-group-on-commercial-fraud",
        name_en="Working Group on Commercial Fraud",
        name_ru="Рабочая группа по коммерческому мошенничеству",
        name_genitive_ru="Рабочей группы по коммерческому мошенничеству",
        reports_to=[ec],
        position=4,
        established_on=None,
    )
    council_138 = SessionFactory(
        body=council, number=138, start_date=date(2021, 6, 24), end_date=date(2021, 6, 26)
    )
    council_139 = SessionFactory(
        body=council,
        number=139,
        second_number=140,
        start_date=date(2022, 6, 23),
        end_date=date(2022, 6, 25),
        status="planned",
    )
    ec_41 = SessionFactory(
        body=ec,
        number=41,
        start_date=date(2021, 3, 22),
        end_date=date(2021, 3, 26),
        format="virtual",
        venue_en="Videoconference",
        venue_ru="Видеоконференция",
        summary_en="Elected a Vice-Chair.",
        summary_ru="Избран заместитель председателя.",
        report_approved_at=council_138,
    )
    ec_42 = SessionFactory(
        body=ec, number=42, start_date=date(2022, 3, 28), end_date=date(2022, 4, 1), format="hybrid"
    )
    PhaseFactory(parent=ec_42, start_date=date(2022, 3, 28), end_date=date(2022, 3, 30))
    PhaseFactory(
        parent=ec_42, start_date=date(2022, 3, 31), end_date=date(2022, 4, 1), format="in_person"
    )
    bakanov = PersonFactory(
        name_en="Oleg Bakanov",
        name_ru="Олег Баканов",
        slug="oleg-bakanov",
        position_en="Deputy Head of the Central Enforcement Department",
        position_ru="заместитель начальника Главного управления по борьбе с контрабандой",
    )
    chair = PostFactory(body=ec, role=Post.Role.CHAIR, max_holders=1)
    vice = PostFactory(body=ec, role=Post.Role.VICE_CHAIR, max_holders=3)
    old_chair = PersonFactory(name_en="Outgoing Chair", name_ru="Прежний председатель")
    new_chair = PersonFactory(name_en="Incoming Chair", name_ru="Новый председатель")
    TermFactory(
        person=old_chair, post=chair, start_date=date(2020, 2, 28), end_date=date(2022, 4, 1)
    )
    TermFactory(person=new_chair, post=chair, start_date=date(2022, 4, 1), elected_at=ec_42)
    TermFactory(person=bakanov, post=vice, start_date=date(2021, 3, 26), elected_at=ec_41)
    DelegationFactory(session=ec_41, person=bakanov, role=Delegation.Role.HEAD)
    article = ArticleFactory(
        title_en="An FCS representative becomes Vice-Chair",
        title_ru="Представитель ФТС России стал заместителем председателя",
    )
    article.bodies.set([ec])
    article.sessions.set([ec_41, council_138])
    article.people.set([bakanov])
    return {
        "council": council,
        "commission": commission,
        "ec": ec,
        "group": group,
        "council_138": council_138,
        "council_139": council_139,
        "ec_41": ec_41,
        "ec_42": ec_42,
        "bakanov": bakanov,
        "article": article,
    }


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    assert html.count("<h1") == 1
    return html


# The list of bodies -----------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_bodies_are_grouped_by_reporting_line(client, registry, language):
    html = page(client, url("committees:body_list", language))
    council, ec, group = (
        getattr(registry[k], f"name_{language}") for k in ("council", "ec", "group")
    )
    # The Council first; the committee nested under it; the group nested under the committee.
    assert html.index(council) < html.index(ec) < html.index(group)
    tree = html[html.index('<ul class="body-tree">') :]
    assert tree.count('<ul class="body-tree">') == 3
    also = "Also reports to:" if language == "en" else "Также подотчётен:"
    assert also in html
    assert ("4 November 1952" if language == "en" else "4 ноября 1952 г.") in html
    assert ("1978" if language == "en" else "1978 г.") in html


def test_body_list_shows_only_bodies_available_in_the_language(client, registry):
    russian = BodyFactory(russian_only=True, name_ru="Только по-русски")
    assert russian.name_ru in page(client, "/ru/committees/")
    assert russian.name_ru not in page(client, "/en/committees/")


def test_main_menu_links_to_the_bodies(client, registry):
    assert '<a href="/ru/committees/">Органы ВТамО</a>' in page(client, "/ru/")
    assert '<a href="/en/committees/">WCO bodies</a>' in page(client, "/en/")


# A body -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "<h1>WCO Enforcement Committee</h1>",
                "Reports to",
                ">Council<",
                ">Policy Commission<",
                "Bodies reporting to it",
                "Working Group on Commercial Fraud",
                "Current office holders",
                "Oleg Bakanov",
                "Vice-Chair",
                "since 26 March 2021",
                "41st session",
                "Past office holders",
                "28 February 2020 – 1 April 2022",
                "Incoming Chair",
                "22–26 March 2021",
                "28 March – 1 April 2022",
                "An FCS representative becomes Vice-Chair",
                "A working body of the WCO.",
            ],
        ),
        (
            "ru",
            [
                "<h1>Комитет по правоприменению ВТамО</h1>",
                "Подотчётен",
                ">Совет<",
                "Подотчётные органы",
                "Действующие должностные лица",
                "Олег Баканов",
                "Заместитель председателя",
                "с 26 марта 2021 г.",
                "41-я сессия",
                "Прежние должностные лица",
                "22–26 марта 2021 г.",
                "Представитель ФТС России стал заместителем председателя",
                "Рабочий орган ВТамО.",
            ],
        ),
    ],
)
def test_body_page(client, registry, language, expected):
    html = page(client, registry["ec"].get_absolute_url(language))
    for text in expected:
        assert text in html, text
    assert f'<html lang="{language}"' in html
    assert 'hreflang="ru"' in html and 'hreflang="en"' in html


def test_body_page_splits_current_and_past_holders_at_the_handover(client, registry):
    with time_machine.travel(date(2022, 3, 31), tick=False):
        response = client.get("/en/committees/enforcement-committee/")
    assert [t.person.name_en for t in response.context["current_terms"]] == [
        "Outgoing Chair",
        "Oleg Bakanov",
    ]
    assert [t.person.name_en for t in response.context["future_terms"]] == ["Incoming Chair"]
    response = client.get("/en/committees/enforcement-committee/")  # 1 June 2022
    assert [t.person.name_en for t in response.context["current_terms"]] == [
        "Incoming Chair",
        "Oleg Bakanov",
    ]
    assert [t.person.name_en for t in response.context["past_terms"]] == ["Outgoing Chair"]


def test_body_timeline_has_upcoming_and_past_sessions(client, registry):
    response = client.get("/en/committees/council/")
    assert response.context["upcoming_sessions"] == [registry["council_139"]]
    assert response.context["past_sessions"] == [registry["council_138"]]
    html = response.content.decode()
    assert "139th/140th session" in html and "138th session" in html
    ec = client.get("/en/committees/enforcement-committee/")
    assert ec.context["upcoming_sessions"] == []
    assert "No sessions are planned." in ec.content.decode()
    # Phases are not sessions of their own on the timeline.
    assert ec.context["past_sessions"] == [registry["ec_42"], registry["ec_41"]]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                '<time datetime="2021-03-22">22–26 March 2021</time>',
                '">41st session</a>',
                "Virtual · Videoconference</p>",
                "Hybrid · Brussels</p>",
                "In person · Brussels &lt;HQ&gt; · <strong>Postponed</strong></p>",
            ],
        ),
        (
            "ru",
            [
                '<time datetime="2021-03-22">22–26 марта 2021 г.</time>',
                '">41-я сессия</a>',
                "Дистанционный · Видеоконференция</p>",
                "Очный · Брюссель · <strong>Перенесена</strong></p>",
            ],
        ),
    ],
)
def test_body_timeline_items_name_dates_format_venue_and_a_changed_status(
    client, registry, language, expected
):
    SessionFactory(
        body=registry["ec"],
        number=43,
        start_date=date(2022, 9, 5),
        end_date=date(2022, 9, 9),
        format="in_person",
        venue_en="Brussels <HQ>",
        venue_ru="Брюссель",
        status="postponed",
    )
    html = page(client, registry["ec"].get_absolute_url(language))
    for text in expected:
        assert text in html, text
    assert f'href="{registry["ec_41"].get_absolute_url(language)}"' in html
    assert "<HQ>" not in html


def test_body_page_in_a_language_it_lacks_answers_404_with_a_link(client):
    body = BodyFactory(russian_only=True)
    response = client.get(f"/en/committees/{body.slug}/")
    assert response.status_code == 404
    assert body.get_absolute_url("ru") in response.content.decode()
    assert "not available in this language" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/en/committees/no-such-body/",
        "/en/committees/people/",
        "/ru/committees/Enforcement-Committee/",
        "/en/committees/no-such-body/sessions.ics",
    ],
)
def test_unknown_bodies_answer_404(client, registry, path):
    assert client.get(path).status_code == 404


# A session --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "<h1>41st session of the WCO Enforcement Committee</h1>",
                "22–26 March 2021",
                "Virtual",
                "Videoconference",
                "Report approved at",
                "138th session of the WCO Council",
                "Oleg Bakanov",
                "Head of delegation",
                "Russian Federation",
                "Vice-Chair",
                "Elected a Vice-Chair.",
                "An FCS representative becomes Vice-Chair",
            ],
        ),
        (
            "ru",
            [
                "<h1>41-я сессия Комитета по правоприменению ВТамО</h1>",
                "22–26 марта 2021 г.",
                "Дистанционный",
                "Видеоконференция",
                "Доклад утверждён на сессии",
                "138-я сессия Совета ВТамО",
                "Олег Баканов",
                "Глава делегации",
                "Российская Федерация",
                "Заместитель председателя",
                "Представитель ФТС России стал заместителем председателя",
            ],
        ),
    ],
)
def test_session_page(client, registry, language, expected):
    html = page(client, registry["ec_41"].get_absolute_url(language))
    for text in expected:
        assert text in html, text
    assert f'href="{registry["council_138"].get_absolute_url(language)}"' in html
    assert f'href="{registry["bakanov"].get_absolute_url(language)}"' in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Report of the 41st session of the WCO Enforcement Committee"),
        ("ru", "Доклад 41-й сессии Комитета по правоприменению ВТамО"),
    ],
)
def test_session_lists_the_reports_it_approved(client, registry, language, expected):
    assert expected in page(client, registry["council_138"].get_absolute_url(language))


@pytest.mark.parametrize(("language", "part"), [("en", "Part 2"), ("ru", "Часть 2")])
def test_session_held_in_phases_lists_them(client, registry, language, part):
    html = page(client, registry["ec_42"].get_absolute_url(language))
    assert part in html
    assert "Incoming Chair" in html or "Новый председатель" in html  # elected on the last day
    assert html.count('id="phase-') == 2


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "In person · Brussels &lt;HQ&gt; · <strong>Cancelled</strong></p>"),
        ("ru", "Очный · Брюссель · <strong>Отменена</strong></p>"),
    ],
)
def test_a_phase_names_its_format_venue_and_a_cancellation(client, registry, language, expected):
    phase = registry["ec_42"].phases.order_by("start_date").last()
    phase.venue_en, phase.venue_ru, phase.status = "Brussels <HQ>", "Брюссель", "cancelled"
    phase.save()
    html = page(client, registry["ec_42"].get_absolute_url(language))
    assert expected in html
    assert "<HQ>" not in html


def test_double_numbered_session_answers_at_both_numbers(client, registry):
    canonical = "/en/committees/council/sessions/139/"
    assert registry["council_139"].get_absolute_url("en") == canonical
    assert "139th/140th session of the WCO Council" in page(client, canonical)
    response = client.get("/en/committees/council/sessions/140/")
    assert response.status_code == 301
    assert response["Location"] == canonical
    assert client.get("/ru/committees/council/sessions/140/")["Location"] == (
        "/ru/committees/council/sessions/139/"
    )


def test_session_address_with_leading_zero_redirects(client, registry):
    response = client.get("/en/committees/enforcement-committee/sessions/041/")
    assert response.status_code == 301
    assert response["Location"] == "/en/committees/enforcement-committee/sessions/41/"


@pytest.mark.parametrize(
    "path",
    [
        "/en/committees/enforcement-committee/sessions/39/",  # a gap in the numbering
        "/en/committees/enforcement-committee/sessions/0/",
        "/en/committees/enforcement-committee/sessions/138/",  # the Council's number
        "/en/committees/enforcement-committee/sessions/99999999999999999999/",
        "/en/committees/enforcement-committee/sessions/-1/",
        "/en/committees/enforcement-committee/sessions/abc/",
        "/en/committees/no-such-body/sessions/41/",
    ],
)
def test_bad_session_addresses_answer_404(client, registry, path):
    assert client.get(path).status_code == 404


def test_session_of_a_body_missing_in_the_language_answers_404(client):
    session = SessionFactory(body=BodyFactory(russian_only=True))
    response = client.get(session.get_absolute_url("en"))
    assert response.status_code == 404
    assert session.get_absolute_url("ru") in response.content.decode()


# A person ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "<h1>Oleg Bakanov</h1>",
                "Deputy Head of the Central Enforcement Department",
                "Vice-Chair",
                "Enforcement Committee",
                "since 26 March 2021",
                "41st session of the WCO Enforcement Committee",
                "head of delegation",
                "An FCS representative becomes Vice-Chair",
            ],
        ),
        (
            "ru",
            [
                "<h1>Олег Баканов</h1>",
                "Заместитель председателя",
                "с 26 марта 2021 г.",
                "41-я сессия Комитета по правоприменению ВТамО",
                "глава делегации",
            ],
        ),
    ],
)
def test_person_page(client, registry, language, expected):
    html = page(client, registry["bakanov"].get_absolute_url(language))
    for text in expected:
        assert text in html, text


def test_person_address_with_a_stale_or_missing_slug_redirects(client, registry):
    person = registry["bakanov"]
    canonical = f"/en/committees/people/{person.pk}-oleg-bakanov/"
    assert person.get_absolute_url("en") == canonical
    for stale in (f"/en/committees/people/{person.pk}/", f"/en/committees/people/{person.pk}-x/"):
        response = client.get(stale)
        assert response.status_code == 301
        assert response["Location"] == canonical


@pytest.mark.parametrize(
    "path", ["/en/committees/people/999999-x/", "/en/committees/people/99999999999999999999/"]
)
def test_unknown_people_answer_404(client, path):
    assert client.get(path).status_code == 404


def test_person_missing_in_the_language_answers_404(client):
    person = PersonFactory(russian_only=True)
    response = client.get(f"/en/committees/people/{person.pk}/")
    assert response.status_code == 404
    assert person.get_absolute_url("ru") in response.content.decode()


def test_people_missing_in_the_language_are_left_out_of_lists(client, registry):
    hidden = PersonFactory(russian_only=True, name_ru="Только по-русски")
    DelegationFactory(session=registry["ec_41"], person=hidden)
    assert "Только по-русски" in page(client, registry["ec_41"].get_absolute_url("ru"))
    html = page(client, registry["ec_41"].get_absolute_url("en"))
    assert "Только по-русски" not in html and "Oleg Bakanov" in html


# The article links back -------------------------------------------------------------------


ARTICLE_LINKS = {
    "en": [
        "WCO bodies in this article",
        "WCO Enforcement Committee",
        "41st session of the WCO Enforcement Committee",
        "138th session of the WCO Council",
        "Oleg Bakanov",
    ],
    "ru": [
        "Органы ВТамО в этом материале",
        "Комитет по правоприменению ВТамО",
        "41-я сессия Комитета по правоприменению ВТамО",
        "Олег Баканов",
    ],
}


@pytest.mark.parametrize(("language", "expected"), ARTICLE_LINKS.items())
def test_article_lists_its_bodies_sessions_and_people(client, registry, language, expected):
    html = page(client, registry["article"].get_absolute_url(language))
    for text in expected:
        assert text in html, text
    assert f'href="{registry["ec_41"].get_absolute_url(language)}"' in html
    # Each session with its dates, each person with the position held.
    dates = {"en": "(22–26 March 2021)", "ru": "(22–26 марта 2021 г.)"}[language]
    assert dates in html
    position = registry["bakanov"].position_en if language == "en" else "заместитель начальника"
    assert f"Oleg Bakanov</a>, {position}" in html or f"Олег Баканов</a>, {position}" in html


def test_article_without_links_has_no_links_box(client):
    article = ArticleFactory()
    assert "WCO bodies in this article" not in page(client, article.get_absolute_url("en"))


def test_unpublished_articles_stay_off_committee_pages(client, registry):
    draft = ArticleFactory(draft=True, title_en="A draft about the EC")
    draft.bodies.set([registry["ec"]])
    assert "A draft about the EC" not in page(client, "/en/committees/enforcement-committee/")


def test_body_page_lists_news_about_its_sessions_once(client, registry, settings):
    settings.FCS_PAGE_CACHE_SECONDS = 0  # the page made twice: the list kept the second time
    about_session = ArticleFactory(title_en="The 42nd session took place")
    about_session.sessions.set([registry["ec_42"]])
    for _ in range(2):
        html = page(client, "/en/committees/enforcement-committee/")
        assert "The 42nd session took place" in html
        assert html.count("An FCS representative becomes Vice-Chair") == 1
    russian = page(client, "/ru/committees/enforcement-committee/")
    assert "Представитель ФТС России стал заместителем председателя" in russian


# Query counts -----------------------------------------------------------------------------


def grow(registry, size):
    """Add `size` sessions, terms, delegations and articles to the Enforcement Committee."""
    ec = registry["ec"]
    rapporteur = PostFactory(body=ec, role=Post.Role.RAPPORTEUR, max_holders=1)
    for i in range(size):
        start = date(2000 + i % 20, 1 + i % 12, 1)
        session = SessionFactory(
            body=ec, number=100 + i, start_date=start, end_date=start.replace(day=3)
        )
        PhaseFactory(parent=session)
        person = PersonFactory()
        TermFactory(
            person=person,
            post=rapporteur,
            start_date=date(1900 + i, 1, 1),
            end_date=date(1901 + i, 1, 1),
            elected_at=session,
        )
        DelegationFactory(session=registry["ec_41"], person=person)
        DelegationFactory(session=registry["ec_42"], person=person)
        DelegationFactory(session=session, person=registry["bakanov"])
        article = ArticleFactory()
        article.bodies.set([ec])
        article.sessions.set([registry["ec_41"]])
        article.people.set([registry["bakanov"]])


@pytest.mark.parametrize("size", [1, 15])
@pytest.mark.parametrize("language", LANGUAGES)
def test_query_counts_do_not_grow(client, registry, django_assert_num_queries, size, language):
    grow(registry, size)
    bare = SessionFactory(body=registry["ec"], number=99)
    pages = [
        (url("committees:body_list", language), 2),  # bodies, reporting links
        # body, reporting links, terms, sessions, news
        (registry["ec"].get_absolute_url(language), 5),
        # session (with which of its lists have rows), phases + reports approved here,
        # elections, delegations, news; a list without rows is not read (41 has no phases)
        (registry["ec_41"].get_absolute_url(language), 4),
        (registry["ec_42"].get_absolute_url(language), 5),
        (bare.get_absolute_url(language), 2),  # session, news: it has no lists
        # person, terms, sessions attended, news
        (registry["bakanov"].get_absolute_url(language), 4),
        # article, its bodies, sessions, people (it has no gallery: not read)
        (registry["article"].get_absolute_url(language), 4),
        (url("committees:calendar", language), 1),
        (url("committees:body_calendar", language, slug="enforcement-committee"), 2),
    ]
    for path, queries in pages:
        with django_assert_num_queries(queries):
            assert client.get(path).status_code == 200, path


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Chair (acting)"), ("ru", "Председатель (исполняющий обязанности)")],
)
def test_acting_office_holders_are_marked(client, language, expected):
    post = PostFactory(role=Post.Role.CHAIR)
    TermFactory(post=post, start_date=date(2022, 1, 1), acting=True)
    assert expected in page(client, post.body.get_absolute_url(language))


@pytest.mark.parametrize("language", LANGUAGES)
def test_office_holders_are_listed_chair_first_then_vice_chairs_then_the_rest(client, language):
    body = BodyFactory()
    started = {
        Post.Role.RAPPORTEUR: date(2019, 1, 1),
        Post.Role.VICE_CHAIR: date(2020, 1, 1),
        Post.Role.CHAIR: date(2021, 1, 1),
    }
    names = {}
    for role, start in started.items():
        person = PersonFactory()
        names[role] = getattr(person, f"name_{language}")
        post = PostFactory(body=body, role=role, max_holders=3)
        TermFactory(person=person, post=post, start_date=start)
    html = client.get(body.get_absolute_url(language)).content.decode()
    positions = [html.index(names[role]) for role in Post.Role.values]
    assert positions == sorted(positions)  # Chair, Vice-Chair, Rapporteur
