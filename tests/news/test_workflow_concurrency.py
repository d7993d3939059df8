"""Two people editing one article: the second save is refused, named and explained, and
nothing anyone typed is lost."""

import re
import threading

import pytest
from django.db import connection, connections

from news import services
from news.models import Article
from tests.factories import ArticleFactory, UserFactory

from .workflow_support import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna():
    return UserFactory(username="anna", first_name="Anna", last_name="Petrova", role="Editor")


@pytest.fixture
def boris():
    return UserFactory(username="boris", first_name="Boris", last_name="Orlov", role="Editor")


@pytest.fixture
def article():
    return ArticleFactory(title_en="Original headline", title_ru="Исходный заголовок")


def url(article):
    return f"/admin/news/article/{article.pk}/change/"


def token_in(html: str) -> str:
    return re.search(r'name="edit_token" value="([^"]+)"', html).group(1)


def save_as(client, user, data):
    client.force_login(user)
    return client.post(url_of(data), data, HTTP_ACCEPT_LANGUAGE="en")


def url_of(data):
    return data.pop("_url")


def test_second_save_is_refused_naming_who_saved_and_what_changed(client, anna, boris, article):
    anna_form = {**change_form_data(article), "_url": url(article)}
    boris_form = {**change_form_data(article), "_url": url(article)}

    anna_form.update(title_ru="Новый заголовок", body_en="<p>Anna's body.</p>")
    assert save_as(client, anna, anna_form).status_code == 302

    boris_form.update(lead_en="Boris's new lead that must not be lost.")
    response = save_as(client, boris, boris_form)
    html = response.content.decode()

    assert response.status_code == 200
    assert "Anna Petrova saved this article while you were editing it" in html
    assert "Headline [ru]" in html and "Body [en]" in html
    changed = html.split("Changed since you opened it:")[1].split(". ")[0]
    assert "Lead [en]" not in changed and "Publication date" not in changed
    assert "Boris&#x27;s new lead that must not be lost." in html
    assert 'name="confirm_overwrite"' in html
    article.refresh_from_db()
    assert article.title_ru == "Новый заголовок"
    assert article.lead_en == "A short summary."


def test_after_the_warning_a_deliberate_second_save_replaces_their_version(
    client, anna, boris, article
):
    boris_form = {**change_form_data(article), "_url": url(article)}
    anna_form = {**change_form_data(article), "_url": url(article)}
    anna_form.update(title_en="Anna's headline")
    save_as(client, anna, anna_form)

    boris_form.update(title_en="Boris's headline")
    warned = save_as(client, boris, {**boris_form, "_url": url(article)})
    retry = {**boris_form, "edit_token": token_in(warned.content.decode()), "_url": url(article)}

    not_ticked = save_as(client, boris, dict(retry))
    assert not_ticked.status_code == 200
    assert "Tick this box" in not_ticked.content.decode()

    ticked = save_as(client, boris, {**retry, "confirm_overwrite": "on"})
    assert ticked.status_code == 302
    article.refresh_from_db()
    assert article.title_en == "Boris's headline"


def test_a_workflow_step_in_between_is_a_conflict_too(client, anna, boris, article):
    form = {**change_form_data(article), "_url": url(article)}
    services.article_unpublish(article=article, user=anna)
    response = save_as(client, boris, {**form, "title_en": "Edited meanwhile"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Anna Petrova" in html and "Status" in html
    article.refresh_from_db()
    assert article.title_en == "Original headline"


def test_saving_twice_in_a_row_by_the_same_person_is_not_a_conflict(client, anna, article):
    first = save_as(client, anna, {**change_form_data(article), "_url": url(article)})
    assert first.status_code == 302
    second = save_as(
        client, anna, {**change_form_data(article, title_en="Again"), "_url": url(article)}
    )
    assert second.status_code == 302


@pytest.mark.parametrize("token", ["", "garbage", "a" * 5000, None])
def test_missing_or_forged_token_is_a_clear_error_not_a_500(client, anna, article, token):
    data = change_form_data(article, title_en="Forged")
    if token is None:
        del data["edit_token"]
    else:
        data["edit_token"] = token
    response = save_as(client, anna, {**data, "_url": url(article)})
    assert response.status_code == 200
    assert "This form has expired or was altered" in response.content.decode()
    article.refresh_from_db()
    assert article.title_en == "Original headline"


def test_a_save_that_slips_between_check_and_write_is_still_refused(
    client, anna, boris, article, monkeypatch
):
    """Anna's save lands after the form's check passed but before our UPDATE ... WHERE version:
    the write finds the version moved, and the form comes back with the conflict."""
    from news import forms

    boris_form = change_form_data(article, title_en="Boris")
    services.article_save(
        article=Article.objects.get(pk=article.pk), user=anna, expected_version=article.version
    )
    real_check = forms.find_conflict
    checks = []

    def check_ran_before_annas_save(token, instance):
        checks.append(token)
        return None if len(checks) == 1 else real_check(token, instance)

    monkeypatch.setattr(forms, "find_conflict", check_ran_before_annas_save)
    response = save_as(client, boris, {**boris_form, "_url": url(article)})
    assert len(checks) == 2, "the write was refused, and the form checked again"
    assert response.status_code == 200
    assert "Anna Petrova saved this article" in response.content.decode()
    article.refresh_from_db()
    assert article.title_en == "Original headline"
    assert article.version == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_concurrent_saves_of_the_same_version_let_exactly_one_through():
    article = ArticleFactory()
    editors = [UserFactory(username=f"racer{i}", role="Editor") for i in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def save(user, headline):
        try:
            copy = Article.objects.get(pk=article.pk)
            copy.title_en = headline
            barrier.wait(timeout=10)
            services.article_save(article=copy, user=user, expected_version=article.version)
            outcomes.append("saved")
        except services.ArticleEditConflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(user, f"Headline {i}"))
        for i, user in enumerate(editors)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "saved"]
    article.refresh_from_db()
    assert article.version == 2
    assert article.events.count() == 1


def test_sqlite_and_postgresql_share_the_same_claim():
    article = ArticleFactory()
    editor = UserFactory(username="solo", role="Editor")
    stale = Article.objects.get(pk=article.pk)
    services.article_save(article=article, user=editor, expected_version=1)
    with pytest.raises(services.ArticleEditConflict):
        services.article_save(article=stale, user=editor, expected_version=1)
    assert Article.objects.get(pk=article.pk).version == 2
