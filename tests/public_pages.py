"""Every public page, for the checks that must hold on all of them.

The accessibility tests (tests/site/test_accessibility.py and the browser tests) run over
this list. To add a page: create what it needs in `build_public_site()` and add one line
to `PUBLIC_PAGES`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone, translation

from committees.models import Delegation, Post, Session
from fcs_site import demo as site_demo
from tests.factories import (
    ArticleFactory,
    BodyFactory,
    DelegationFactory,
    PersonFactory,
    PhotoFactory,
    PostFactory,
    RubricFactory,
    SessionFactory,
    TermFactory,
)

LANGUAGES = ("ru", "en")


@dataclass(frozen=True)
class PublicPage:
    name: str
    url: Callable[[SimpleNamespace, str], str]
    status: int = 200

    def path(self, site: SimpleNamespace, language: str) -> str:
        with translation.override(language):
            return self.url(site, language)


def build_public_site() -> SimpleNamespace:
    """The objects the public pages show: a rubric, a few articles, the reference article."""
    rubric = RubricFactory(name_ru="Международное сотрудничество", name_en="Cooperation")
    ArticleFactory.create_batch(3, rubric=rubric)
    article = ArticleFactory(
        rubric=rubric,
        title_ru="Представитель ФТС России впервые стал заместителем председателя",
        title_en="An FCS representative becomes Vice-Chair for the first time",
        lead_ru="На 41-й сессии Комитета по правоприменению ВТамО избран заместитель.",
        lead_en="The WCO Enforcement Committee elected a Vice-Chair at its 41st session.",
        body_ru="<p>В марте 2021 года делегация приняла участие в 41-й сессии.</p>"
        "<p>Сессия прошла в формате видеоконференции.</p>",
        body_en="<p>In March 2021 a delegation took part in the 41st session.</p>"
        "<p>The session was held by videoconference.</p>",
        note_ru="<p>Комитет создан в 1983 году.</p>",
        note_en="<p>The Committee was established in 1983.</p>",
        published_at=datetime(2021, 4, 8, 17, 55, tzinfo=ZoneInfo("Europe/Moscow")),
        lead_photo=PhotoFactory(
            alt_ru="Делегаты сессии за столом переговоров",
            alt_en="Delegates of the session at the negotiating table",
        ),
    )
    council = BodyFactory(
        slug="council", name_ru="Совет", name_genitive_ru="Совета", name_en="Council"
    )
    body = BodyFactory(
        slug="enforcement-committee",
        name_ru="Комитет по правоприменению",
        name_genitive_ru="Комитета по правоприменению",
        name_en="Enforcement Committee",
        reports_to=[council],
    )
    session = SessionFactory(body=body, number=41)
    person = PersonFactory(name_ru="Олег Баканов", name_en="Oleg Bakanov")
    TermFactory(
        person=person,
        post=PostFactory(body=body, role=Post.Role.VICE_CHAIR, max_holders=3),
        elected_at=session,
    )
    DelegationFactory(session=session, person=person, role=Delegation.Role.HEAD)
    # A session ahead (the front page lists them) and the press service's contacts.
    today = timezone.localdate()
    SessionFactory(
        body=council,
        number=150,
        start_date=today + timedelta(days=30),
        end_date=today + timedelta(days=32),
        status=Session.Status.PLANNED,
    )
    site_demo.load()
    article.bodies.set([body])
    article.sessions.set([session])
    article.people.set([person])
    return SimpleNamespace(
        rubric=rubric,
        article=article,
        body=body,
        session=session,
        person=person,
        only_in={
            "ru": ArticleFactory(russian_only=True, rubric=rubric),
            "en": ArticleFactory(english_only=True, rubric=rubric),
        },
    )


def _other(language: str) -> str:
    return "en" if language == "ru" else "ru"


PUBLIC_PAGES = [
    PublicPage("home", lambda site, lang: reverse("home")),
    PublicPage("news list", lambda site, lang: reverse("news:article_list")),
    PublicPage("press releases", lambda site, lang: reverse("news:press_releases")),
    PublicPage("contacts", lambda site, lang: reverse("contacts")),
    PublicPage("rubric", lambda site, lang: site.rubric.get_absolute_url()),
    PublicPage("article", lambda site, lang: site.article.get_absolute_url(lang)),
    PublicPage(
        "article unavailable",
        lambda site, lang: site.only_in[_other(lang)].get_absolute_url(lang),
        status=404,
    ),
    PublicPage("not found", lambda site, lang: f"/{lang}/no-such-page/", status=404),
    PublicPage("bodies", lambda site, lang: reverse("committees:body_list")),
    PublicPage("body", lambda site, lang: site.body.get_absolute_url(lang)),
    PublicPage("session", lambda site, lang: site.session.get_absolute_url(lang)),
    PublicPage("person", lambda site, lang: site.person.get_absolute_url(lang)),
    PublicPage("search", lambda site, lang: reverse("search") + "?q=session"),
    # Bodies, sessions and people among the results, and the body filter set.
    PublicPage(
        "search committees",
        lambda site, lang: (
            reverse("search")
            + ("?q=комитет" if lang == "ru" else "?q=committee")
            + f"&body={site.body.slug}"
        ),
    ),
    PublicPage("feeds", lambda site, lang: reverse("feeds:index")),
    PublicPage("open data", lambda site, lang: reverse("opendata:index")),
    PublicPage(
        "dataset",
        lambda site, lang: reverse("opendata:dataset", kwargs={"identifier": dataset_id()}),
    ),
]


def dataset_id() -> str:
    from fcs_site.opendata import DATASETS

    return DATASETS[0].identifier
