"""Every public page, for the checks that must hold on all of them.

The accessibility tests (tests/site/test_accessibility.py and the browser tests) run over
this list. To add a page: create what it needs in `build_public_site()` and add one line
to `PUBLIC_PAGES`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import translation

from tests.factories import ArticleFactory, RubricFactory

LANGUAGES = ("ru", "en")


@dataclass(frozen=True)
class PublicPage:
    name: str
    url: Callable[[SimpleNamespace, str], str]
    status: int = 200
    # False for pages that only repeat another page's layout: the browser tests then check
    # them in two colour schemes (one light, one dark) rather than in all six.
    every_scheme: bool = True

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
    )
    return SimpleNamespace(
        rubric=rubric,
        article=article,
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
    PublicPage("rubric", lambda site, lang: site.rubric.get_absolute_url(), every_scheme=False),
    PublicPage("article", lambda site, lang: site.article.get_absolute_url(lang)),
    PublicPage(
        "article unavailable",
        lambda site, lang: site.only_in[_other(lang)].get_absolute_url(lang),
        status=404,
        every_scheme=False,
    ),
    PublicPage(
        "not found", lambda site, lang: f"/{lang}/no-such-page/", status=404, every_scheme=False
    ),
]
