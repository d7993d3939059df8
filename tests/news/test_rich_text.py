"""Rich text is sanitised on the server, whatever the browser sends.

Raw payloads are posted to the admin form, bypassing the editor; what is stored (in both
languages, body and note) and what the public page renders must contain nothing active.
"""

import re

import pytest
from django.utils import timezone

from news import services
from news.html import clean_html
from news.models import Article
from tests.news.rich_text_payloads import PAYLOADS, active_content

pytestmark = pytest.mark.django_db


def article_form(**fields):
    now = timezone.localtime() - timezone.timedelta(minutes=5)
    return {
        "title_ru": "Заголовок",
        "title_en": "Headline",
        "slug_ru": "",
        "slug_en": "",
        "lead_ru": "",
        "lead_en": "",
        "body_ru": "<p>Текст.</p>",
        "body_en": "<p>Text.</p>",
        "note_ru": "",
        "note_en": "",
        "kind": Article.Kind.NEWS,
        "status": Article.Status.PUBLISHED,
        "published_at_0": now.strftime("%Y-%m-%d"),
        "published_at_1": now.strftime("%H:%M:%S"),
        "rubric": "",
        "lead_photo": "",
        **fields,
    }


def article_region(html: str) -> str:
    return html[html.index('<article class="article">') : html.index("</article>")]


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_payload_posted_through_the_admin_is_stored_and_shown_harmless(
    staff_client, staff_user, client, name
):
    payload = PAYLOADS[name]
    response = staff_client.post(
        "/admin/news/article/add/",
        article_form(
            title_en=f"Payload {name}",
            body_ru=f"<p>Начало.</p>{payload}",
            body_en=f"<p>Start.</p>{payload}",
            note_ru=f"<p>Справка.</p>{payload}",
            note_en=f"<p>Note.</p>{payload}",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    article = Article.objects.get()
    services.article_publish(article=article, user=staff_user, reason="Payload test.")
    for field in ("body_ru", "body_en", "note_ru", "note_en"):
        stored = getattr(article, field)
        assert active_content(stored) == [], (field, stored)
        assert not re.search(r"javascript|vbscript|data:|alert\(", stored, re.IGNORECASE), (
            field,
            stored,
        )

    for language in ("ru", "en"):
        page = client.get(article.get_absolute_url(language))
        assert page.status_code == 200
        region = article_region(page.content.decode())
        assert active_content(region) == [], (language, region)
        assert "alert(" not in region


def test_the_harmless_parts_of_payloads_survive():
    cleaned = clean_html(
        "<p onclick=alert(1)>clickable</p>"
        '<p><a href="JaVaScRiPt:alert(1)">mixed</a></p>'
        "<script>alert(1)</script><p>after-script</p>"
    )
    assert (
        cleaned
        == '<p>clickable</p><p><a rel="noopener noreferrer">mixed</a></p><p>after-script</p>'
    )


def test_what_the_editor_makes_is_kept():
    editor_html = (
        "<h2>Heading two</h2><h3>Three</h3><h4>Four</h4>"
        "<p><strong>bold</strong> <em>italic</em><br>next line</p>"
        "<ul><li><p>bullet</p></li></ul><ol><li><p>number</p></li></ol>"
        "<blockquote><p>quote</p></blockquote>"
        '<table style="min-width: 50px"><colgroup><col style="min-width: 25px"></colgroup>'
        '<tbody><tr><th colspan="1" rowspan="1"><p>Head</p></th></tr>'
        '<tr><td colspan="1" rowspan="1"><p>Cell</p></td></tr></tbody></table>'
        '<p><a href="https://www.wcoomd.org/">WCO</a> <a href="/ru/news/">news</a> '
        '<a href="mailto:press@customs.example">mail</a></p>'
    )
    cleaned = clean_html(editor_html)
    for kept in (
        "<h2>Heading two</h2>",
        "<h3>Three</h3>",
        "<h4>Four</h4>",
        "<strong>bold</strong>",
        "<em>italic</em>",
        "<br>",
        "<ul><li><p>bullet</p></li></ul>",
        "<ol><li><p>number</p></li></ol>",
        "<blockquote><p>quote</p></blockquote>",
        '<th colspan="1" rowspan="1"><p>Head</p></th>',
        "<td",
        '<a href="https://www.wcoomd.org/" rel="noopener noreferrer">WCO</a>',
        '<a href="/ru/news/" rel="noopener noreferrer">news</a>',
        'href="mailto:press@customs.example"',
    ):
        assert kept in cleaned, kept
    assert "style=" not in cleaned and "<col" not in cleaned


def test_h1_and_unknown_tags_are_unwrapped_not_kept():
    assert clean_html("<h1>Big</h1><div><span>x</span></div>") == "Bigx"


def test_external_links_get_noopener_even_when_the_post_says_otherwise():
    cleaned = clean_html('<a href="https://evil.example/" rel="opener" target="_blank">out</a>')
    assert cleaned == '<a href="https://evil.example/" rel="noopener noreferrer">out</a>'
