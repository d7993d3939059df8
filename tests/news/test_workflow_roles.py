"""Roles: who may take which step, enforced on the server (role × action matrix)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from news.models import Article, ArticleEvent, PreviewLink
from tests.factories import ArticleFactory

from .workflow_support import author_draft, change_form_data, make_user, new_article_data

pytestmark = pytest.mark.django_db

ROLES = ["author", "editor", "administrator", "no_role"]
GROUP = {"author": "Author", "editor": "Editor", "administrator": "Administrator", "no_role": None}


@pytest.fixture
def people():
    return {
        "author": make_user("Author", "anna"),
        "other_author": make_user("Author", "boris"),
        "editor": make_user("Editor", "elena"),
        "administrator": make_user("Administrator", "admin"),
        "no_role": make_user(None, "visitor"),
    }


def in_review(people):
    article = author_draft(people["other_author"])
    article.status = Article.Status.IN_REVIEW
    article.submitted_by = people["other_author"]
    article.save()
    return article


def published(people):
    article = author_draft(people["other_author"])
    article.status = Article.Status.PUBLISHED
    article.published_at = timezone.now() - timedelta(hours=1)
    article.save()
    return article


def workflow_url(article, step):
    return f"/admin/news/article/{article.pk}/workflow/{step}/"


def future():
    local = timezone.localtime() + timedelta(days=1)
    return {"publish_date": local.strftime("%Y-%m-%d"), "publish_time": "10:00:00"}


@dataclass
class Case:
    setup: Callable
    perform: Callable
    happened: Callable
    allowed: set
    # A step whose answer is a page (not a redirect) when it succeeds.
    answers_with_a_page: bool = False


def _status(article):
    article.refresh_from_db()
    return article.status


CASES = {
    "add an article": Case(
        setup=lambda actor, people: None,
        perform=lambda client, article: client.post("/admin/news/article/add/", new_article_data()),
        happened=lambda article: Article.objects.filter(
            title_en=new_article_data()["title_en"]
        ).exists(),
        allowed={"author", "editor", "administrator"},
    ),
    "edit own draft": Case(
        setup=lambda actor, people: author_draft(actor),
        perform=lambda client, article: client.post(
            f"/admin/news/article/{article.pk}/change/",
            change_form_data(article, title_en="Edited headline"),
        ),
        happened=lambda article: Article.objects.get(pk=article.pk).title_en == "Edited headline",
        allowed={"author", "editor", "administrator"},
    ),
    "edit someone else's draft": Case(
        setup=lambda actor, people: author_draft(people["other_author"]),
        perform=lambda client, article: client.post(
            f"/admin/news/article/{article.pk}/change/",
            change_form_data(article, title_en="Edited headline"),
        ),
        happened=lambda article: Article.objects.get(pk=article.pk).title_en == "Edited headline",
        allowed={"editor", "administrator"},
    ),
    "edit a published article": Case(
        setup=lambda actor, people: published(people),
        perform=lambda client, article: client.post(
            f"/admin/news/article/{article.pk}/change/",
            change_form_data(article, title_en="Corrected headline"),
        ),
        happened=lambda article: (
            Article.objects.get(pk=article.pk).title_en == "Corrected headline"
        ),
        allowed={"editor", "administrator"},
    ),
    "submit own draft": Case(
        setup=lambda actor, people: author_draft(actor),
        perform=lambda client, article: client.post(
            workflow_url(article, "submit"), {"version": article.version, "note": ""}
        ),
        happened=lambda article: _status(article) == Article.Status.IN_REVIEW,
        allowed={"author", "editor", "administrator"},
    ),
    "ask for changes": Case(
        setup=lambda actor, people: in_review(people),
        perform=lambda client, article: client.post(
            workflow_url(article, "request_changes"),
            {"version": article.version, "note": "Please add the date of the session."},
        ),
        happened=lambda article: _status(article) == Article.Status.DRAFT,
        allowed={"editor", "administrator"},
    ),
    "publish now": Case(
        setup=lambda actor, people: in_review(people),
        perform=lambda client, article: client.post(
            workflow_url(article, "publish"), {"version": article.version, "when": "now"}
        ),
        happened=lambda article: Article.objects.published().filter(pk=article.pk).exists(),
        allowed={"editor", "administrator"},
    ),
    "schedule": Case(
        setup=lambda actor, people: in_review(people),
        perform=lambda client, article: client.post(
            workflow_url(article, "publish"),
            {"version": article.version, "when": "later", **future()},
        ),
        happened=lambda article: (
            _status(article) == Article.Status.PUBLISHED and article.is_scheduled()
        ),
        allowed={"editor", "administrator"},
    ),
    "return to drafts": Case(
        setup=lambda actor, people: published(people),
        perform=lambda client, article: client.post(
            workflow_url(article, "unpublish"), {"version": article.version, "note": ""}
        ),
        happened=lambda article: _status(article) == Article.Status.DRAFT,
        allowed={"editor", "administrator"},
    ),
    "withdraw": Case(
        setup=lambda actor, people: published(people),
        perform=lambda client, article: client.post(
            workflow_url(article, "withdraw"),
            {
                "version": article.version,
                "mode": "notice",
                "reason_ru": "Сведения устарели.",
                "reason_en": "The information is out of date.",
            },
        ),
        happened=lambda article: _status(article) == Article.Status.WITHDRAWN,
        allowed={"editor", "administrator"},
    ),
    "share a preview link": Case(
        setup=lambda actor, people: author_draft(people["other_author"]),
        perform=lambda client, article: client.post(
            f"/admin/news/article/{article.pk}/preview-links/", {"hours": 48, "label": "Ministry"}
        ),
        happened=lambda article: PreviewLink.objects.filter(article=article).exists(),
        allowed={"editor", "administrator"},
        answers_with_a_page=True,
    ),
    "delete": Case(
        setup=lambda actor, people: author_draft(people["other_author"]),
        perform=lambda client, article: client.post(
            f"/admin/news/article/{article.pk}/delete/", {"post": "yes"}
        ),
        happened=lambda article: not Article.objects.filter(pk=article.pk).exists(),
        allowed={"administrator"},
    ),
    "see deleted articles to recover": Case(
        setup=lambda actor, people: None,
        perform=lambda client, article: client.get("/admin/news/article/recover/"),
        happened=lambda article: True,
        allowed={"administrator"},
    ),
    "manage accounts": Case(
        setup=lambda actor, people: None,
        perform=lambda client, article: client.get("/admin/auth/user/add/"),
        happened=lambda article: True,
        allowed={"administrator"},
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(CASES))
def test_role_action_matrix(client, people, role, action):
    case = CASES[action]
    actor = people[role]
    article = case.setup(actor, people)
    client.force_login(actor)

    response = case.perform(client, article)

    if role in case.allowed:
        assert response.status_code in (200, 302), response.content.decode()[:2000]
        posted = response.request["REQUEST_METHOD"] == "POST"
        if response.status_code == 200 and posted and not case.answers_with_a_page:
            pytest.fail(f"{action} by {role} re-showed the form: {response.content[:2000]}")
        assert case.happened(article)
    else:
        assert response.status_code in (403, 404), (action, role, response.status_code)
        if response.request["REQUEST_METHOD"] == "POST":
            assert not case.happened(article)


def test_roles_are_groups_created_by_a_migration():
    permissions = {
        group.name: set(group.permissions.values_list("codename", flat=True))
        for group in Group.objects.filter(name__in=["Author", "Editor", "Administrator"])
    }
    assert {"add_article", "change_article", "view_article"} <= permissions["Author"]
    assert not {"publish_article", "review_article", "withdraw_article"} & permissions["Author"]
    assert {"publish_article", "review_article", "withdraw_article", "preview_article"} <= (
        permissions["Editor"]
    )
    assert "delete_article" not in permissions["Editor"]
    assert {"delete_article", "add_user", "change_user"} <= permissions["Administrator"]


def test_forged_status_and_date_from_an_author_are_refused(client, people):
    author = people["author"]
    article = author_draft(author)
    client.force_login(author)
    forged = change_form_data(
        article,
        status=Article.Status.PUBLISHED,
        published_at_0="2020-01-01",
        published_at_1="10:00:00",
        press_number="1",
    )
    response = client.post(f"/admin/news/article/{article.pk}/change/", forged)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None and article.press_number is None
    assert not Article.objects.published().exists()

    # Nor through the changelist action or the step's own address.
    client.post("/admin/news/article/", {"action": "publish", "_selected_action": [article.pk]})
    response = client.post(workflow_url(article, "publish"), {"version": article.version})
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_author_form_shows_status_and_date_read_only_and_no_publish_step(client, people):
    author = people["author"]
    article = author_draft(author)
    client.force_login(author)
    html = client.get(f"/admin/news/article/{article.pk}/change/").content.decode()
    assert 'name="status"' not in html and 'name="published_at_0"' not in html
    assert "/workflow/submit/" in html
    assert "/workflow/publish/" not in html and "/workflow/withdraw/" not in html
    assert 'name="_submit_for_review"' in html


def test_editor_sees_the_steps_an_editor_may_take(client, people):
    article = in_review(people)
    client.force_login(people["editor"])
    html = client.get(f"/admin/news/article/{article.pk}/change/").content.decode()
    assert "/workflow/request_changes/" in html and "/workflow/publish/" in html
    assert 'name="published_at_0"' in html and 'name="status"' not in html


def test_submitted_text_is_frozen_for_its_author_who_can_take_it_back(client, people):
    author = people["author"]
    article = author_draft(author)
    client.force_login(author)
    response = client.post(
        f"/admin/news/article/{article.pk}/change/",
        change_form_data(article, _submit_for_review="1"),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW and article.submitted_by == author

    page = client.get(f"/admin/news/article/{article.pk}/change/").content.decode()
    assert 'name="_save"' not in page and "/workflow/recall/" in page
    edit = client.post(
        f"/admin/news/article/{article.pk}/change/", change_form_data(article, title_en="Sneaky")
    )
    assert edit.status_code == 403

    recall = client.post(workflow_url(article, "recall"), {"version": article.version})
    assert recall.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert list(article.events.values_list("action", flat=True)[:2]) == [
        ArticleEvent.Action.RECALLED,
        ArticleEvent.Action.SUBMITTED,
    ]


def test_another_author_cannot_take_back_a_submission(client, people):
    article = in_review(people)
    client.force_login(people["author"])
    assert client.post(workflow_url(article, "recall"), {"version": 1}).status_code == 403


@pytest.mark.parametrize("step", ["nonsense", "delete", "submit"])
def test_unknown_steps_and_articles_answer_404(client, people, step):
    client.force_login(people["editor"])
    assert client.get(f"/admin/news/article/999999/workflow/{step}/").status_code == 404
    article = ArticleFactory()
    if step != "submit":
        assert client.get(workflow_url(article, step)).status_code == 404


def test_local_demo_run_adds_an_author_and_an_editor(settings, tmp_path):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    settings.DEBUG = True
    settings.BASE_DIR = tmp_path
    call_command("load_demo", "--demo-user")
    call_command("load_demo", "--demo-user")
    users = get_user_model().objects
    author, editor = users.get(username="demo-author"), users.get(username="demo-editor")
    assert author.is_staff and author.has_perm("news.add_article")
    assert not author.has_perm("news.publish_article")
    assert editor.has_perm("news.publish_article")
    password = (tmp_path / "var" / "demo-password.txt").read_text().strip()
    assert author.check_password(password)


def test_a_stale_step_link_explains_instead_of_refusing(client, people):
    article = published(people)
    client.force_login(people["editor"])
    response = client.get(workflow_url(article, "publish"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "“Publish or schedule” is not possible now. Published on" in page
