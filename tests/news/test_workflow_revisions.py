"""Revisions (django-reversion): every save keeps one with both languages and links;
editors compare two, restore one, and bring back a deleted article."""

import re

import pytest
from django.utils import translation
from reversion.models import Version

from news import services
from news.models import Article, ArticleEvent
from tests.factories import ArticleFactory, RubricFactory, TopicFactory, UserFactory

from .workflow_support import author_draft, change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return UserFactory(username="elena", role="Editor")


@pytest.fixture
def administrator():
    return UserFactory(username="root", role="Administrator")


@pytest.fixture
def article(editor):
    first, second = TopicFactory(), TopicFactory()
    article = ArticleFactory(
        title_ru="Первая редакция", title_en="First version", rubric=RubricFactory()
    )
    article.topics.set([first])
    services.article_save(article=article, user=editor, expected_version=article.version)
    article._topics = (first, second)
    return article


def versions(article):
    return Version.objects.get_for_object(article).order_by("pk")


def edit(client, user, article, **changes):
    client.force_login(user)
    response = client.post(
        f"/admin/news/article/{article.pk}/change/",
        change_form_data(article, **changes),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    return response


def test_every_save_keeps_a_revision_with_both_languages_and_links(client, editor, article):
    _first, second = article._topics
    before = versions(article).count()
    edit(
        client,
        editor,
        article,
        title_en="Second version",
        body_ru="<p>Новый текст.</p>",
        topics=[second.pk],
    )
    latest = versions(article).last()
    assert versions(article).count() == before + 1
    fields = latest.field_dict
    assert fields["title_en"] == "Second version" and fields["title_ru"] == "Первая редакция"
    assert fields["body_ru"] == "<p>Новый текст.</p>"
    assert fields["topics"] == [second.pk] and fields["rubric_id"] == article.rubric_id
    assert latest.revision.user == editor


def test_workflow_steps_keep_revisions_too(editor):
    author = UserFactory(username="anna", role="Author")
    draft = author_draft(author)
    with translation.override("en"):
        services.article_submit(article=draft, user=author)
        services.article_publish(article=draft, user=editor)
    comments = [v.revision.comment for v in versions(draft)]
    assert comments[-2:] == ["Submitted for review", "Published"]


def test_history_lists_revisions_to_choose_two_from(client, editor, article):
    edit(client, editor, article, title_en="Second version")
    html = client.get(f"/admin/news/article/{article.pk}/history/").content.decode()
    assert html.count('type="radio" name="old"') == versions(article).count()
    assert f"/admin/news/article/{article.pk}/history/compare/" in html


def test_compare_two_revisions_marks_what_changed_in_each_language(client, editor, article):
    edit(client, editor, article, title_en="Second version", title_ru="Вторая редакция")
    old, new = versions(article)[0], versions(article).last()
    response = client.get(
        f"/admin/news/article/{article.pk}/history/compare/",
        {"old": old.pk, "new": new.pk},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Headline [en]" in html and "Headline [ru]" in html
    assert "<del>First</del>" in html and "<ins>Second</ins>" in html
    assert "<del>Первая</del>" in html and "<ins>Вторая</ins>" in html
    assert "Body [en]" not in html, "unchanged fields are not listed"
    # The order of the two choices does not matter.
    swapped = client.get(
        f"/admin/news/article/{article.pk}/history/compare/", {"old": new.pk, "new": old.pk}
    )
    assert "<ins>Second</ins>" in swapped.content.decode()


@pytest.mark.parametrize(
    "params",
    [{}, {"old": "abc", "new": "1"}, {"old": "-1", "new": "0"}, {"old": "999999", "new": "999998"}],
)
def test_compare_with_bad_parameters_answers_404(client, editor, article, params):
    client.force_login(editor)
    response = client.get(f"/admin/news/article/{article.pk}/history/compare/", params)
    assert response.status_code == 404


def test_compare_refuses_revisions_of_another_article(client, editor, article):
    other = ArticleFactory()
    services.article_save(article=other, user=editor, expected_version=other.version)
    client.force_login(editor)
    response = client.get(
        f"/admin/news/article/{article.pk}/history/compare/",
        {"old": versions(article)[0].pk, "new": versions(other)[0].pk},
    )
    assert response.status_code == 404


def test_restoring_a_revision_brings_back_text_and_links_but_not_its_workflow_state(
    client, editor, article
):
    first_topic, second = article._topics
    first = versions(article).last()
    edit(client, editor, article, title_en="Second version", topics=[second.pk])
    assert article.status == Article.Status.PUBLISHED
    revision_url = f"/admin/news/article/{article.pk}/history/{first.pk}/"

    page = client.get(revision_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "First version" in page
    article.refresh_from_db()
    assert article.title_en == "Second version", "looking at a revision changes nothing"

    token = re.search(r'name="edit_token" value="([^"]+)"', page).group(1)
    data = change_form_data(article, title_en="First version", topics=[first_topic.pk])
    data["edit_token"] = token
    response = client.post(revision_url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.title_en == "First version"
    assert list(article.topics.values_list("pk", flat=True)) == [first_topic.pk]
    assert article.status == Article.Status.PUBLISHED
    restored = article.events.filter(action=ArticleEvent.Action.RESTORED).get()
    assert restored.user == editor and "Restored the revision" in restored.note


def test_restoring_an_old_revision_never_changes_the_status(client, editor):
    """A revision saved while the article was a draft must not unpublish it on restore."""
    author = UserFactory(username="anna", role="Author")
    draft = author_draft(author)
    services.article_save(article=draft, user=author, expected_version=draft.version)
    draft_revision = versions(draft).last()
    services.article_publish(article=draft, user=editor)
    revision_url = f"/admin/news/article/{draft.pk}/history/{draft_revision.pk}/"
    client.force_login(editor)
    page = client.get(revision_url).content.decode()
    data = change_form_data(draft)
    data["edit_token"] = re.search(r'name="edit_token" value="([^"]+)"', page).group(1)
    assert client.post(revision_url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED and draft.published_at is not None


def test_an_author_cannot_restore_a_revision_of_an_article_they_may_not_edit(client, article):
    author = UserFactory(username="anna", role="Author")
    client.force_login(author)
    first = versions(article).last()
    response = client.post(
        f"/admin/news/article/{article.pk}/history/{first.pk}/", change_form_data(article)
    )
    assert response.status_code == 403


def test_a_deleted_article_can_be_recovered_with_both_languages_and_links(
    client, administrator, article
):
    first_topic, _second = article._topics
    pk = article.pk
    deleted = delete_in_admin(client, administrator, pk)
    listing = client.get("/admin/news/article/recover/").content.decode()
    assert f"/admin/news/article/recover/{deleted.pk}/" in listing

    data = recovery_form(client, deleted)
    data["topics"] = [first_topic.pk]
    response = client.post(f"/admin/news/article/recover/{deleted.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    recovered = Article.objects.get(pk=pk)
    assert recovered.title_ru == "Первая редакция" and recovered.title_en == "First version"
    assert list(recovered.topics.values_list("pk", flat=True)) == [first_topic.pk]
    assert recovered.events.filter(action=ArticleEvent.Action.RESTORED).exists()


def _fields_of(version):
    names = {f.attname for f in Article._meta.concrete_fields} - {"id"}
    return {name: value for name, value in version.field_dict.items() if name in names}


def delete_in_admin(client, user, pk: int) -> Version:
    """Delete article `pk` as `user` through the admin; its entry in the recover list."""
    client.force_login(user)
    assert client.post(f"/admin/news/article/{pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=pk).exists()
    return Version.objects.get_deleted(Article).get(object_id=str(pk))


def recovery_form(client, deleted: Version) -> dict:
    """What the recover page of `deleted` sends back unchanged."""
    page = client.get(f"/admin/news/article/recover/{deleted.pk}/").content.decode()
    pk = int(deleted.object_id)
    data = change_form_data(Article(pk=pk, **_fields_of(deleted)), refresh=False)
    data["edit_token"] = re.search(r'name="edit_token" value="([^"]+)"', page).group(1)
    return data


def test_a_revision_linking_to_a_deleted_topic_is_refused_with_a_reason(
    client, editor, administrator, article
):
    """Restoring it used to fail with a server error (the database refuses a link to a
    topic that no longer exists); now the editor is told why, and nothing changes."""
    first_topic, second = article._topics
    first = versions(article).last()
    edit(client, editor, article, title_en="Second version", topics=[second.pk])
    gone = first_topic.pk
    first_topic.delete()
    revision_url = f"/admin/news/article/{article.pk}/history/{first.pk}/"

    client.force_login(editor)
    for response in (
        client.get(revision_url, HTTP_ACCEPT_LANGUAGE="en"),
        client.post(revision_url, change_form_data(article), HTTP_ACCEPT_LANGUAGE="en"),
    ):
        assert response.status_code == 302
        assert response["Location"] == f"/admin/news/article/{article.pk}/history/"
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This revision cannot be restored" in page and f"topic {gone}" in page
    article.refresh_from_db()
    assert article.title_en == "Second version"
    assert list(article.topics.values_list("pk", flat=True)) == [second.pk]


def test_a_revision_whose_gallery_photo_was_deleted_is_refused(client, editor, administrator):
    from tests.factories import ArticlePhotoFactory, PhotoFactory

    article = ArticleFactory(title_en="With a gallery")
    photo = PhotoFactory()
    ArticlePhotoFactory(article=article, photo=photo)
    services.article_save(article=article, user=editor, expected_version=article.version)
    with_photo = versions(article).last()
    article.gallery_items.all().delete()
    services.article_save(article=article, user=editor, expected_version=article.version)
    photo.delete()

    client.force_login(editor)
    url = f"/admin/news/article/{article.pk}/history/{with_photo.pk}/"
    response = client.post(url, change_form_data(article))
    assert response.status_code == 302
    assert not article.gallery_items.exists()


def test_recovering_a_deleted_article_whose_topic_is_gone_is_refused(
    client, administrator, article
):
    first_topic, _second = article._topics
    pk = article.pk
    deleted = delete_in_admin(client, administrator, pk)
    first_topic.delete()
    response = client.get(f"/admin/news/article/recover/{deleted.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/news/article/recover/"
    assert not Article.objects.filter(pk=pk).exists()


def test_an_articles_history_outlives_its_deletion_and_returns_with_it(
    client, editor, administrator
):
    """Who wrote, approved and published an article (and whether they approved their own)
    used to be deleted with it; a recovered article started with an empty history."""
    author = UserFactory(username="anna", role="Author")
    article = author_draft(author)
    services.article_submit(article=article, user=author)
    services.article_publish(article=article, user=editor)
    pk = article.pk
    before = list(article.events.order_by("id").values_list("action", "user__username"))
    assert (ArticleEvent.Action.PUBLISHED, "elena") in before

    deleted = delete_in_admin(client, administrator, pk)
    kept = ArticleEvent.objects.filter(article_id=pk).order_by("id")
    assert list(kept.values_list("action", "user__username")) == before

    data = recovery_form(client, deleted)
    assert client.post(f"/admin/news/article/recover/{deleted.pk}/", data).status_code == 302
    recovered = Article.objects.get(pk=pk)
    actions = list(recovered.events.order_by("id").values_list("action", flat=True))
    assert actions[: len(before)] == [action for action, _user in before]
    assert actions[-1] == ArticleEvent.Action.RESTORED


def test_recovering_an_article_whose_author_account_is_gone_is_refused(client, administrator):
    """Recovery restores the workflow fields too: an author deleted since is missing."""
    author = UserFactory(username="gone", role="Author")
    article = author_draft(author)
    services.article_save(article=article, user=author, expected_version=article.version)
    deleted = delete_in_admin(client, administrator, article.pk)
    author.delete()
    response = client.get(f"/admin/news/article/recover/{deleted.pk}/")
    assert response.status_code == 302 and response["Location"] == "/admin/news/article/recover/"
