import pytest

from news.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


def test_staff_signs_in_adds_a_bilingual_article_and_finds_it_on_the_site(client, staff_user):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": staff_user.username, "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302

    changelist = client.get("/admin/news/article/")
    assert changelist.status_code == 200

    form = client.get("/admin/news/article/add/")
    html = form.content.decode()
    assert 'name="title_ru"' in html and 'name="title_en"' in html
    assert "vendor/jquery-ui/jquery-ui.min.js" in html
    assert "googleapis" not in html

    response = client.post(
        "/admin/news/article/add/",
        {
            "title_ru": "Делегация ФТС России приняла участие в сессии",
            "title_en": "An FCS delegation took part in the session",
            "slug_ru": "",
            "slug_en": "",
            "lead_ru": "Кратко.",
            "lead_en": "In short.",
            "body_ru": "<p>Текст.</p>",
            "body_en": "<p>Text.</p>",
            "note_ru": "",
            "note_en": "",
            "kind": Article.Kind.PRESS_RELEASE,
            # The status is not a field of the form: steps of the workflow change it.
            "status": Article.Status.PUBLISHED,
            "rubric": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(title_en="An FCS delegation took part in the session")
    assert article.created_by == staff_user
    assert article.status == Article.Status.DRAFT
    assert "An FCS delegation took part" not in client.get("/en/news/").content.decode()

    # Publishing one's own article needs a reason, which is recorded.
    publish_url = f"/admin/news/article/{article.pk}/workflow/publish/"
    assert client.get(publish_url).status_code == 200
    refused = client.post(publish_url, {"version": article.version, "when": "now", "reason": ""})
    assert refused.status_code == 200
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    response = client.post(
        publish_url,
        {"version": article.version, "when": "now", "reason": "Urgent: the session ends today."},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.events.get(action="published").self_approved

    assert "An FCS delegation took part" in client.get("/en/news/").content.decode()
    page = client.get(article.get_absolute_url("ru"))
    assert page.status_code == 200
    assert "Делегация ФТС России" in page.content.decode()


def test_changelist_shows_status_date_and_languages(staff_client):
    ArticleFactory(title_ru="Только по-русски", russian_only=True)
    html = staff_client.get("/admin/news/article/").content.decode()
    assert "Только по-русски" in html
    assert ">RU<" in html
    filtered = staff_client.get("/admin/news/article/?languages=en_only").content.decode()
    assert "Только по-русски" not in filtered


def test_scheduling_without_a_date_shows_an_error_on_the_form(staff_client):
    draft = ArticleFactory(draft=True)
    response = staff_client.post(
        f"/admin/news/article/{draft.pk}/workflow/publish/",
        {"version": draft.version, "when": "later", "publish_date": "", "publish_time": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Give the date and the time of publication." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT and draft.published_at is None


def test_publish_and_unpublish_actions(staff_client):
    draft = ArticleFactory(draft=True)
    staff_client.post("/admin/news/article/", {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED and draft.published_at is not None
    assert staff_client.get(draft.get_absolute_url("en")).status_code == 200

    staff_client.post(
        "/admin/news/article/", {"action": "unpublish", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert staff_client.get(draft.get_absolute_url("en")).status_code == 404


def test_publish_action_refuses_an_empty_article(staff_client):
    empty = ArticleFactory(draft=True, title_ru="", body_ru="", title_en="Only a title", body_en="")
    response = staff_client.post(
        "/admin/news/article/",
        {"action": "publish", "_selected_action": [empty.pk]},
        follow=True,
    )
    empty.refresh_from_db()
    assert empty.status == Article.Status.DRAFT
    assert "нельзя опубликовать" in response.content.decode()
