"""In a real browser: an editor uploads a photo and publishes it with an article; stored
rich-text payloads run no script on the public pages or back in the editor."""

import pytest
from django.test import Client

from news import services
from news.models import Article, Photo
from tests import imagefiles
from tests.news.rich_text_payloads import PAYLOADS
from tests.news.test_rich_text import article_form

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery-staple"
ALT_RU = "Делегаты 41-й сессии Комитета по правоприменению на видеоконференции"
ALT_EN = "Delegates of the 41st Enforcement Committee session on a video call"


def sign_in(page, live_server, user, next_path):
    page.goto(f"{live_server.url}/admin/login/?next={next_path}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{next_path}")


def fill_tab(page, field, language, value):
    page.click(f'a[href="#tab_id_{field}_{language}"]')
    page.fill(f"#id_{field}_{language}", value)


def type_rich_text(page, field, language, text):
    page.click(f'a[href="#tab_id_{field}_{language}"]')
    editor = page.locator(f"#tab_id_{field}_{language} .ProseMirror[contenteditable=true]")
    editor.click()
    page.keyboard.type(text)


def test_editor_uploads_a_photo_and_readers_see_it_with_their_language_alt(
    live_server, page, staff_user, tmp_path, check_axe
):
    upload = tmp_path / "IMG_2041.JPG"
    upload.write_bytes(imagefiles.jpeg_with_gps_and_rotation())

    sign_in(page, live_server, staff_user, "/admin/news/photo/add/")
    page.set_input_files("#id_image", str(upload))
    fill_tab(page, "alt", "ru", ALT_RU)
    fill_tab(page, "alt", "en", ALT_EN)
    fill_tab(page, "caption", "ru", "Сессия прошла в режиме видеоконференции.")
    fill_tab(page, "caption", "en", "The session was held by videoconference.")
    fill_tab(page, "credit", "ru", "Пресс-служба ВТамО")
    fill_tab(page, "credit", "en", "WCO press office")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/news/photo/")
    assert page.locator("img.photo-thumbnail").count() == 1
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (200, 300)  # turned upright on upload

    page.goto(f"{live_server.url}/admin/news/article/add/")
    fill_tab(page, "title", "ru", "Делегация ФТС России на 41-й сессии Комитета")
    type_rich_text(page, "body", "ru", "Сессия прошла по видеосвязи.")
    fill_tab(page, "title", "en", "An FCS delegation at the Committee's 41st session")
    type_rich_text(page, "body", "en", "The session was held by video link.")
    page.locator(".form-row.field-lead_photo .select2-selection").click()
    page.locator('input.select2-search__field[aria-controls="select2-id_lead_photo-results"]').fill(
        "Delegates"
    )
    page.locator(".select2-results__option", has_text="Delegates").first.click()
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    # Publishing is a workflow step; an editor publishing their own article gives a reason.
    page.get_by_role("link", name="Publish or schedule").click()
    page.check("input[name=when][value=now]")
    page.fill("#id_reason", "Urgent: the session ended today.")
    page.click("input[name=_confirm]")
    page.wait_for_selector(".messagelist .success")

    article = Article.objects.get()
    assert article.is_public()
    assert article.lead_photo == photo
    assert article.body_ru == "<p>Сессия прошла по видеосвязи.</p>"

    for language, alt, credit in (
        ("ru", ALT_RU, "Фото: Пресс-служба ВТамО"),
        ("en", ALT_EN, "Photo: WCO press office"),
    ):
        response = page.goto(live_server.url + article.get_absolute_url(language))
        assert response.status == 200
        lead = page.locator("figure.article__lead-photo img")
        assert lead.get_attribute("alt") == alt
        assert page.get_by_role("img", name=alt).is_visible()
        lead.evaluate("img => img.decode()")
        assert lead.evaluate("img => img.naturalWidth") > 0
        assert lead.evaluate("img => img.currentSrc").endswith(".webp")
        assert credit in page.locator("figure.article__lead-photo figcaption").inner_text()
        check_axe(page, label=f"article with a photo ({language})")

        page.goto(f"{live_server.url}/{language}/news/")
        assert page.locator(".article-card__photo img").get_attribute("alt") == alt


def test_stored_payloads_run_no_script_on_public_pages_or_in_the_editor(
    live_server, page, staff_user
):
    client = Client()
    client.force_login(staff_user)
    body = "".join(f"<p>{name}</p>{payload}" for name, payload in PAYLOADS.items())
    response = client.post(
        "/admin/news/article/add/",
        article_form(body_ru=body, body_en=body, note_ru=body, note_en=body),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    services.article_publish(article=article, user=staff_user, reason="Payload test.")

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    urls = [
        article.get_absolute_url("ru"),
        article.get_absolute_url("en"),
        "/ru/news/",
        "/en/",
    ]
    for path in urls:
        assert page.goto(live_server.url + path).status == 200
        page.wait_for_timeout(300)
        assert page.evaluate("window.__xss") is None, path
        assert page.locator("main script, main iframe, main object, main embed").count() == 0
        page.locator("main a").evaluate_all(
            "links => links.forEach(a => a.href.startsWith('javascript:') && a.click())"
        )

    sign_in(page, live_server, staff_user, f"/admin/news/article/{article.pk}/change/")
    assert page.locator(".ProseMirror[contenteditable=true]").count() == 4
    page.wait_for_timeout(500)
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
    assert errors == []
