"""Photos on public pages, their alt text rules, and what feeds get from the lead photo."""

import re
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from news import images, services
from news.models import Article, ArticlePhoto, Photo
from tests.factories import (
    ArticleFactory,
    ArticlePhotoFactory,
    BodyFactory,
    PersonFactory,
    PhotoFactory,
    SessionFactory,
)
from tests.news.test_rich_text import article_form

pytestmark = pytest.mark.django_db


def imgs(html: str) -> list[str]:
    return re.findall(r"<img [^>]*>", html)


def attr(tag: str, name: str) -> str | None:
    match = re.search(rf' {name}="([^"]*)"', tag)
    return match.group(1) if match else None


@pytest.fixture
def illustrated():
    lead = PhotoFactory(
        size=(1650, 1100),
        alt_ru="Делегаты сессии Комитета по правоприменению за столом переговоров",
        alt_en="Delegates of the Enforcement Committee session at the negotiating table",
        caption_ru="41-я сессия Комитета.",
        caption_en="The Committee's 41st session.",
        credit_ru="Пресс-служба ВТамО",
        credit_en="WCO press office",
    )
    article = ArticleFactory(lead_photo=lead)
    ArticlePhotoFactory(article=article, photo=PhotoFactory(alt_en="Second", alt_ru="Второй"))
    ArticlePhotoFactory(article=article, photo=PhotoFactory(decorative=True, alt_en="", alt_ru=""))
    return article


@pytest.mark.parametrize(
    ("language", "alt", "caption", "credit"),
    [
        (
            "ru",
            "Делегаты сессии Комитета по правоприменению за столом переговоров",
            "41-я сессия Комитета.",
            "Фото: Пресс-служба ВТамО",
        ),
        (
            "en",
            "Delegates of the Enforcement Committee session at the negotiating table",
            "The Committee&#x27;s 41st session.",
            "Photo: WCO press office",
        ),
    ],
    ids=["ru", "en"],
)
def test_article_page_shows_the_lead_photo_in_the_page_language(
    client, illustrated, language, alt, caption, credit
):
    html = client.get(illustrated.get_absolute_url(language)).content.decode()
    lead_figure = html[html.index('<figure class="photo article__lead-photo">') :]
    lead_figure = lead_figure[: lead_figure.index("</figure>")]
    (lead,) = imgs(lead_figure)
    assert attr(lead, "alt") == alt
    assert attr(lead, "loading") == "eager" and attr(lead, "fetchpriority") == "high"
    assert (attr(lead, "width"), attr(lead, "height")) == ("800", "533")  # 3:2, as uploaded
    assert attr(lead, "sizes").startswith("(min-width: 60rem)")
    srcset = attr(lead, "srcset")
    assert [c.split()[-1] for c in srcset.split(", ")] == ["480w", "800w", "1200w", "1600w"]
    assert all(c.split()[0].endswith(".jpg") for c in srcset.split(", "))
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)"', lead_figure).group(1)
    assert webp.count(".webp ") == 4
    assert f'<figcaption class="photo__caption">{caption}' in lead_figure
    assert f'<span class="photo__credit">{credit}</span>' in lead_figure


def test_gallery_is_lazy_ordered_and_decorative_photos_have_empty_alt(client, illustrated):
    html = client.get(illustrated.get_absolute_url("en")).content.decode()
    gallery = html[html.index('<section class="gallery"') :]
    gallery = gallery[: gallery.index("</section>")]
    assert '<h2 id="gallery-heading">Photos</h2>' in gallery
    second, decorative = imgs(gallery)
    assert attr(second, "alt") == "Second" and attr(second, "loading") == "lazy"
    assert attr(decorative, "alt") == "" and attr(decorative, "loading") == "lazy"
    assert attr(second, "fetchpriority") is None


def test_the_lead_photo_is_not_repeated_in_the_gallery(client):
    photo = PhotoFactory()
    article = ArticleFactory(lead_photo=photo)
    ArticlePhotoFactory(article=article, photo=photo)
    html = client.get(article.get_absolute_url("en")).content.decode()
    assert len(imgs(html)) == 1
    assert 'class="gallery"' not in html


@pytest.mark.parametrize("language", ["ru", "en"])
def test_lists_show_a_small_lazy_lead_photo(client, illustrated, language):
    html = client.get(f"/{language}/news/").content.decode()
    card = html[html.index("article-card--with-photo") :]
    (img,) = imgs(card[: card.index("</article>")])
    assert attr(img, "loading") == "lazy"
    assert attr(img, "sizes") == "(min-width: 40rem) 12rem, calc(100vw - 2rem)"
    assert "480w" in attr(img, "srcset")
    assert attr(img, "alt") == getattr(illustrated.lead_photo, f"alt_{language}")


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_front_pages_lead_story_shows_its_photo_first(client, illustrated, language):
    html = client.get(f"/{language}/").content.decode()
    story = html[html.index("lead-story--with-photo") :]
    (img,) = imgs(story[: story.index("</article>")])
    # Above the fold: loaded at once, and first.
    assert attr(img, "loading") == "eager" and attr(img, "fetchpriority") == "high"
    assert attr(img, "sizes") == "(min-width: 64rem) 40rem, calc(100vw - 2rem)"
    assert attr(img, "alt") == getattr(illustrated.lead_photo, f"alt_{language}")


@pytest.mark.parametrize("count", [2, 8])
def test_list_queries_do_not_grow_with_photos(client, django_assert_num_queries, count):
    for _ in range(count):
        ArticleFactory(lead_photo=PhotoFactory(size=(500, 300)))
    ArticleFactory()  # one without a photo
    # numbering, the page's cards, the renditions of the cards' lead photos
    with django_assert_num_queries(3):
        html = client.get("/en/news/").content.decode()
    assert len(imgs(html)) == count
    # the cards and their photos' renditions, the press releases, the sessions ahead, the
    # press service's contacts
    with django_assert_num_queries(5):
        client.get("/en/")


@pytest.mark.parametrize("count", [1, 6])
@pytest.mark.parametrize("linked", [True, False])
def test_article_page_queries_do_not_grow_with_the_gallery(
    client, django_assert_num_queries, count, linked
):
    article = ArticleFactory(lead_photo=PhotoFactory(size=(500, 300)))
    for _ in range(count):
        ArticlePhotoFactory(article=article, photo=PhotoFactory(size=(500, 300)))
    if linked:
        body = BodyFactory(name_en="Enforcement Committee")
        article.bodies.add(body)
        session = SessionFactory(body=body, number=40)
        article.sessions.add(session)
        article.people.add(PersonFactory(name_en="Ivan Petrov"))
    # the article with its lead photo (and which relations have rows), the gallery with its
    # photos, the renditions of all of them, the linked WCO bodies, sessions and people:
    # a relation without rows is not read
    with django_assert_num_queries(6 if linked else 3):
        html = client.get(article.get_absolute_url("en")).content.decode()
    assert len(imgs(html)) == count + 1
    assert ("Enforcement Committee" in html) is linked
    assert ("/sessions/40/" in html) is linked
    assert ("Ivan Petrov" in html) is linked


def test_pages_read_renditions_and_never_make_them(client, illustrated, media_root, monkeypatch):
    files_before = sorted(media_root.rglob("*"))

    def fail(*args, **kwargs):
        raise AssertionError("a page tried to make a rendition")

    monkeypatch.setattr(services, "photo_make_renditions", fail)
    monkeypatch.setattr(images, "encode", fail)
    monkeypatch.setattr(images, "resize", fail)
    for language in ("ru", "en"):
        for path in (f"/{language}/", f"/{language}/news/", illustrated.get_absolute_url(language)):
            assert client.get(path).status_code == 200
    assert sorted(media_root.rglob("*")) == files_before


def test_a_photo_without_renditions_yet_falls_back_to_its_file(client):
    photo = PhotoFactory()
    photo.renditions.all().delete()
    article = ArticleFactory(lead_photo=photo)
    html = client.get(article.get_absolute_url("en")).content.decode()
    (img,) = imgs(html)
    assert attr(img, "src") == photo.image.url
    assert attr(img, "srcset") is None
    assert (attr(img, "width"), attr(img, "height")) == ("640", "427")


def test_lead_photo_rendition_for_feeds_and_link_previews(settings):
    settings.ALLOWED_HOSTS = ["press.customs.example"]
    photo = PhotoFactory(size=(2000, 1000), alt_ru="Таможенный пост", alt_en="A customs post")
    article = ArticleFactory(lead_photo=photo)
    image = article.lead_photo_rendition()
    assert (image.width, image.height, image.mime_type) == (1200, 600, "image/jpeg")
    assert image.url.startswith("/media/photos/") and image.url.endswith("-1200w.jpg")
    assert image.alt == "Таможенный пост"  # the active language (tests start in Russian)

    request = RequestFactory().get("/en/", HTTP_HOST="press.customs.example", secure=True)
    absolute = article.lead_photo_rendition(width=600, format="webp", request=request)
    assert absolute.url.startswith("https://press.customs.example/media/photos/")
    assert (absolute.width, absolute.mime_type) == (800, "image/webp")
    assert article.lead_photo_rendition(width=5000).width == 1600

    assert ArticleFactory().lead_photo_rendition() is None


def test_the_photo_file_is_served_with_nosniff(client):
    photo = PhotoFactory()
    for url in (photo.image.url, photo.renditions.first().file.url):
        response = client.get(url)
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] in {"image/jpeg", "image/webp"}
        assert "sandbox" in response["Content-Security-Policy"]


def test_media_is_not_served_by_django_when_switched_off(client, settings):
    photo = PhotoFactory()
    settings.FCS_SERVE_MEDIA = False
    assert client.get(photo.image.url).status_code == 404


@pytest.mark.parametrize("path", ["/media/../fcs_site/settings.py", "/media/%2e%2e/manage.py"])
def test_media_view_does_not_leave_the_media_folder(client, path):
    assert client.get(path).status_code == 404


# Alternative text is required in each language the article is available in.


def publish_step(client, article, language):
    """The editor's publish step in the admin, as the workflow offers it."""
    return client.post(
        f"/admin/news/article/{article.pk}/workflow/publish/",
        {"version": article.version, "when": "now", "reason": "Checked by the press secretary."},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_publishing_with_a_lead_photo_lacking_english_alt_is_refused_on_the_form(staff_client):
    photo = PhotoFactory(alt_en="")
    response = staff_client.post("/admin/news/article/add/", article_form(lead_photo=photo.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT  # the form never publishes by itself

    response = publish_step(staff_client, article, "en")
    assert response.status_code == 200
    assert "has no alternative text in English" in response.content.decode()
    response = publish_step(staff_client, article, "ru")
    assert "нет альтернативного текста на английском языке" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


@pytest.mark.parametrize(
    ("photo_fields", "article_fields"),
    [
        ({"alt_en": ""}, {"status": Article.Status.DRAFT}),  # drafts may wait
        ({"alt_en": "", "alt_ru": "", "decorative": True}, {}),  # decorative needs none
        ({"alt_en": ""}, {"title_en": "", "body_en": ""}),  # Russian only
    ],
)
def test_lead_photo_alt_is_not_required_where_it_is_not_shown(
    staff_client, photo_fields, article_fields
):
    photo = PhotoFactory(**photo_fields)
    response = staff_client.post(
        "/admin/news/article/add/", article_form(lead_photo=photo.pk, **article_fields)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Article.objects.get().lead_photo == photo


def gallery_form(*photos):
    data = {
        "gallery_items-TOTAL_FORMS": str(len(photos)),
        "gallery_items-INITIAL_FORMS": "0",
        "gallery_items-MIN_NUM_FORMS": "0",
        "gallery_items-MAX_NUM_FORMS": "1000",
    }
    for index, photo in enumerate(photos):
        data[f"gallery_items-{index}-photo"] = str(photo.pk)
        data[f"gallery_items-{index}-position"] = str(index)
    return data


def test_gallery_photo_lacking_alt_blocks_publication_on_the_form(staff_client):
    good, bad = PhotoFactory(), PhotoFactory(alt_ru="")
    response = staff_client.post(
        "/admin/news/article/add/", {**article_form(), **gallery_form(good, bad)}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get()

    response = publish_step(staff_client, article, "en")
    assert response.status_code == 200
    assert "has no alternative text in Russian" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_gallery_is_saved_in_order_from_the_admin(staff_client):
    first, second = PhotoFactory(), PhotoFactory()
    response = staff_client.post(
        "/admin/news/article/add/", {**article_form(), **gallery_form(second, first)}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get()
    assert article.gallery_photos() == [second, first]
    change = staff_client.get(f"/admin/news/article/{article.pk}/change/").content.decode()
    assert change.count('class="photo-thumbnail"') == 2


def test_publish_action_refuses_an_article_whose_photos_lack_alt(staff_client):
    article = ArticleFactory(draft=True)
    ArticlePhotoFactory(article=article, photo=PhotoFactory(alt_en=""))
    response = staff_client.post(
        "/admin/news/article/",
        {"action": "publish", "_selected_action": [article.pk]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert "has no alternative text in English" in response.content.decode()


def test_article_photo_and_photo_names():
    photo = PhotoFactory(alt_ru="Таможня", alt_en="Customs")
    assert str(photo) == "Таможня"
    assert str(ArticlePhoto(photo=photo)) == "Таможня"
    assert str(Photo(pk=7)) == "Фотография 7"
    assert str(photo.renditions.first()).startswith("photos/")


@pytest.mark.parametrize("language", ["ru", "en"])
def test_lead_photo_reaches_feeds_link_previews_and_json_ld(client, illustrated, language):
    import json

    import feedparser

    rss = feedparser.parse(client.get(f"/{language}/feeds/news.rss").content)
    assert not rss.bozo
    (entry,) = [e for e in rss.entries if e.link.endswith(illustrated.get_absolute_url(language))]
    (enclosure,) = entry.enclosures
    assert enclosure.href.startswith("http://testserver/media/photos/")
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) > 0
    assert client.get(enclosure.href.removeprefix("http://testserver")).status_code == 200

    html = client.get(illustrated.get_absolute_url(language)).content.decode()
    og_image = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert og_image.startswith("http://testserver/media/photos/")
    alt = getattr(illustrated.lead_photo, f"alt_{language}")
    assert f'<meta property="og:image:alt" content="{alt}">' in html
    ld = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    )
    assert ld["image"]["url"] == og_image
    assert ld["image"]["width"] > 0


def test_articles_without_a_photo_have_no_image_metadata(client):
    article = ArticleFactory()
    html = client.get(article.get_absolute_url("en")).content.decode()
    assert "og:image" not in html
    assert '"image"' not in html


def test_the_lead_story_is_the_newest_with_a_photo_among_the_latest_five(client):
    now = timezone.now()
    pictured = ArticleFactory(
        title_en="Pictured", lead_photo=PhotoFactory(), published_at=now - timedelta(hours=3)
    )
    for hours in (2, 1):
        ArticleFactory(
            title_en=f"Newer, no photo {hours}", published_at=now - timedelta(hours=hours)
        )
    html = client.get("/en/").content.decode()
    lead = html[html.index('class="front__lead"') : html.index('class="front__latest"')]
    assert "Pictured" in lead and "no photo" not in lead
    latest = html[html.index('class="front__latest"') :]
    # The others keep their order, newest first.
    assert latest.index("Newer, no photo 1") < latest.index("Newer, no photo 2")
    assert pictured.title_en not in latest

    # Five newer articles without a photo: the newest leads, photo or not.
    for minutes in range(1, 6):
        ArticleFactory(title_en=f"Fresh {minutes}", published_at=now - timedelta(minutes=minutes))
    html = client.get("/en/").content.decode()
    lead = html[html.index('class="front__lead"') : html.index('class="front__latest"')]
    assert "Fresh 1" in lead and "Pictured" not in lead
