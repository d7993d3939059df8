from datetime import date

import pytest

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

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def registry():
    council = BodyFactory(
        slug="council", name_en="Council", name_ru="Совет", name_genitive_ru="Совета"
    )
    ec = BodyFactory(
        slug="enforcement-committee",
        name_en="Enforcement Committee",
        name_ru="Комитет по правоприменению",
        name_genitive_ru="Комитета по правоприменению",
        abbreviation_en="EC",
        abbreviation_ru="КП",
        reports_to=[council],
        description_en="A working body of the WCO.",
        description_ru="Рабочий орган ВТамО.",
    )
    council_138 = SessionFactory(
        body=council, number=138, start_date=date(2021, 6, 24), end_date=date(2021, 6, 26)
    )
    ec_41 = SessionFactory(
        body=ec,
        number=41,
        start_date=date(2021, 3, 22),
        end_date=date(2021, 3, 26),
        report_approved_at=council_138,
    )
    ec_42 = SessionFactory(
        body=ec, number=42, start_date=date(2022, 3, 28), end_date=date(2022, 4, 1)
    )
    PhaseFactory(parent=ec_42)
    bakanov = PersonFactory(name_en="Oleg Bakanov", name_ru="Олег Баканов")
    vice = PostFactory(body=ec, role=Post.Role.VICE_CHAIR, max_holders=3)
    TermFactory(person=bakanov, post=vice, elected_at=ec_41)
    TermFactory(post=PostFactory(body=ec), start_date=date(2020, 2, 28), end_date=date(2022, 4, 1))
    DelegationFactory(session=ec_41, person=bakanov, role=Delegation.Role.HEAD)
    article = ArticleFactory()
    article.bodies.set([ec])
    article.sessions.set([ec_41])
    return {"ec": ec, "ec_41": ec_41, "ec_42": ec_42, "bakanov": bakanov, "article": article}


@pytest.mark.parametrize("language", ["ru", "en"])
def test_committee_pages_pass_axe(live_server, page, check_axe, registry, language):
    paths = [
        f"/{language}/committees/",
        registry["ec"].get_absolute_url(language),
        registry["ec_41"].get_absolute_url(language),
        registry["ec_42"].get_absolute_url(language),
        registry["bakanov"].get_absolute_url(language),
        registry["article"].get_absolute_url(language),
    ]
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        check_axe(page, label=path)


def test_visitor_goes_from_the_menu_to_a_session_and_back_to_its_body(live_server, page, registry):
    page.goto(live_server.url + "/en/")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="WCO bodies").click()
    page.wait_for_url("**/en/committees/")
    page.get_by_role("link", name="Enforcement Committee").first.click()
    assert page.locator("h1").inner_text() == "WCO Enforcement Committee"
    page.get_by_role("link", name="41st session").first.click()
    assert page.locator("h1").inner_text() == "41st session of the WCO Enforcement Committee"
    assert "22–26 March 2021" in page.locator("main").inner_text()
    page.get_by_role("link", name="Русский").first.click()
    page.wait_for_url(f"**{registry['ec_41'].get_absolute_url('ru')}")
    assert page.locator("h1").inner_text() == "41-я сессия Комитета по правоприменению ВТамО"
