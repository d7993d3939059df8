import pytest
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict

from news.demo import REFERENCE_ARTICLE_ID
from news.models import Article, Rubric, Topic

pytestmark = pytest.mark.django_db


def snapshot():
    rows = {}
    for model in (Article, Rubric, Topic):
        for obj in model.objects.all():
            data = model_to_dict(obj)
            if model is Article:
                data["topics"] = sorted(t.pk for t in data["topics"])
                data["updated_at"] = obj.updated_at
            rows[(model.__name__, obj.pk)] = data
    return rows


def test_demo_loads_the_reference_article_and_is_idempotent(client):
    call_command("load_demo")
    first = snapshot()
    call_command("load_demo")
    assert snapshot() == first

    reference = Article.objects.get(pk=REFERENCE_ARTICLE_ID)
    assert reference.available_languages() == ["ru", "en"]
    en = client.get(reference.get_absolute_url("en")).content.decode()
    ru = client.get(reference.get_absolute_url("ru")).content.decode()
    assert "8 April 2021 17:55" in en and "Oleg Bakanov" in en and "1983" in en
    assert "8 апреля 2021 17:55" in ru and "Справочно" in ru


def test_demo_shows_every_visibility_rule():
    call_command("load_demo")
    assert Article.objects.filter(status=Article.Status.DRAFT).exists()
    assert (
        Article.objects.filter(status=Article.Status.PUBLISHED)
        .exclude(pk__in=Article.objects.published())
        .exists()
    ), "a scheduled article"
    russian_only = Article.objects.public("ru").exclude(pk__in=Article.objects.public("en"))
    assert russian_only.exists()
    assert Article.objects.public("ru").count() > 20, "the Russian list paginates"
    assert Article.objects.count() >= 12


def test_demo_account_is_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only for a local run"):
        call_command("load_demo", "--demo-user")
