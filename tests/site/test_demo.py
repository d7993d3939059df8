import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict
from PIL import Image

from committees.models import Body, Delegation, Person, Post, Session, Term
from fcs_site.models import PressContacts
from news.demo import REFERENCE_ARTICLE_ID
from news.models import Article, ArticlePhoto, Photo, PhotoRendition, Rubric, Topic

pytestmark = pytest.mark.django_db


def snapshot():
    rows = {}
    models = (Article, Rubric, Topic, Body, Session, Person, Post, Term, Delegation)
    for model in (*models, Photo, PhotoRendition, ArticlePhoto, PressContacts):
        for obj in model.objects.all():
            data = model_to_dict(obj)
            for name, value in data.items():
                if isinstance(value, list):  # many-to-many: compare the linked ids
                    data[name] = sorted(linked.pk for linked in value)
            if model in (Article, Session):
                data["updated_at"] = obj.updated_at
            if model is Term:
                data["seat"] = obj.seat
            rows[(model.__name__, obj.pk)] = data
    rows["files"] = stored_files()
    return rows


def stored_files(folder="photos/demo"):
    """Name, size and modification time of every file under `folder` in the media storage."""
    _folders, names = default_storage.listdir(folder)
    return {
        name: (
            default_storage.size(f"{folder}/{name}"),
            default_storage.get_modified_time(f"{folder}/{name}"),
        )
        for name in names
    }


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


def test_demo_articles_have_illustrations_described_in_both_languages():
    call_command("load_demo")
    with_photo = Article.objects.filter(lead_photo__isnull=False)
    assert with_photo.count() >= Article.objects.count() - 2, "most articles have a photo"
    photos = Photo.objects.filter(image__startswith="photos/demo/")
    assert photos.count() == Photo.objects.count() >= with_photo.count()
    for photo in photos.prefetch_related("renditions"):
        assert photo.alt_ru.startswith("Иллюстрация: ") and photo.alt_en.startswith(
            "Illustration: "
        )
        assert photo.caption_ru and photo.caption_en and not photo.decorative
        assert photo.credit_ru == "пресс-служба ФТС России (иллюстрация)"
        assert photo.credit_en == "FCS of Russia press service (illustration)"
        assert default_storage.exists(photo.image.name)
        formats = {r.format for r in photo.renditions.all()}
        assert formats == {"jpeg", "webp"}, photo
        for rendition in photo.renditions.all():
            assert default_storage.exists(rendition.file.name)
    reference = Article.objects.get(pk=REFERENCE_ARTICLE_ID)
    assert reference.lead_photo is not None
    gallery = reference.gallery_photos()
    assert 2 <= len(gallery) <= 3 and reference.lead_photo not in gallery
    assert len({photo.alt_en for photo in [reference.lead_photo, *gallery]}) == len(gallery) + 1
    for article in with_photo.filter(status=Article.Status.PUBLISHED):
        assert not article.alt_text_errors(article.photos()), article


def test_demo_photos_are_full_size_with_every_rendition(monkeypatch, client):
    monkeypatch.setattr("news.demo_photos.SIZE", (1600, 900))
    call_command("load_demo")
    photo = Article.objects.get(pk=REFERENCE_ARTICLE_ID).lead_photo
    assert (photo.width, photo.height) == (1600, 900)
    with default_storage.open(photo.image.name) as stored, Image.open(stored) as image:
        assert (image.format, image.size) == ("JPEG", (1600, 900))
        assert not image.getexif()
    made = {(r.format, r.width, r.height) for r in photo.renditions.all()}
    widths = [(480, 270), (800, 450), (1200, 675), (1600, 900)]
    assert made == {(fmt, w, h) for fmt in ("jpeg", "webp") for w, h in widths}
    reference = Article.objects.get(pk=REFERENCE_ARTICLE_ID)
    for language in ("ru", "en"):
        html = client.get(reference.get_absolute_url(language)).content.decode()
        assert getattr(photo, f"alt_{language}") in html
        assert photo.rendition(1600, "webp").url in html


def test_demo_draws_again_what_a_wiped_media_folder_lost():
    call_command("load_demo")
    photo = Article.objects.get(pk=REFERENCE_ARTICLE_ID).lead_photo
    names = [photo.image.name, *photo.renditions.values_list("file", flat=True)]
    for name in names:
        default_storage.delete(name)
    call_command("load_demo")
    assert all(default_storage.exists(name) for name in names)
    first = snapshot()
    call_command("load_demo")
    assert snapshot() == first


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


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            ["41st session", "Oleg Bakanov", "Vice-Chair", "For the first time, a representative"],
        ),
        ("ru", ["41-я сессия", "Олег Баканов", "Заместитель председателя", "впервые стал"]),
    ],
)
def test_demo_enforcement_committee_links_both_ways_with_the_reference_article(
    client, language, expected
):
    call_command("load_demo")
    ec = Body.objects.get(slug="enforcement-committee")
    html = client.get(ec.get_absolute_url(language)).content.decode()
    for text in expected:
        assert text in html, text
    reference = Article.objects.get(pk=REFERENCE_ARTICLE_ID)
    assert reference.get_absolute_url(language) in html
    session = Session.objects.get(body=ec, number=41)
    article = client.get(reference.get_absolute_url(language)).content.decode()
    assert ec.get_absolute_url(language) in article
    assert session.get_absolute_url(language) in article
    assert Person.objects.get(slug="oleg-bakanov").get_absolute_url(language) in article


def test_demo_registry_shows_the_real_world_quirks(client):
    call_command("load_demo")
    council = Body.objects.get(slug="council")
    ec = Body.objects.get(slug="enforcement-committee")
    assert {b.slug for b in ec.reports_to.all()} == {"council", "policy-commission"}
    assert Body.objects.count() >= 7
    ec_41 = Session.objects.get(body=ec, number=41)
    assert ec_41.report_approved_at == Session.objects.get(body=council, number=138)
    assert Session.objects.filter(second_number__isnull=False).exists(), "double-numbered"
    assert Session.objects.filter(parent__isnull=False).exists(), "held in phases"
    chair_terms = Term.objects.filter(post__body=ec, post__role=Post.Role.CHAIR)
    assert set(chair_terms.values_list("start_date", flat=True)) & set(
        chair_terms.values_list("end_date", flat=True)
    ), "an office changing hands on the last day of a session"
    bakanov = Term.objects.get(person__slug="oleg-bakanov")
    assert bakanov.elected_at == ec_41 and str(bakanov.start_date) == "2021-03-26"
    assert ec_41.delegations.get(role=Delegation.Role.HEAD).person.slug == "oleg-bakanov"
    for path in ("/en/committees/", "/ru/committees/", "/en/committees/council/sessions/140/"):
        assert client.get(path).status_code in (200, 301)
    assert client.get("/en/committees/sessions.ics").status_code == 200


@pytest.mark.parametrize(("language", "query"), [("ru", "комитет"), ("en", "committee")])
def test_the_site_search_finds_the_demo_bodies(client, language, query):
    call_command("load_demo")
    response = client.get(f"/{language}/search/", {"q": query})
    results = response.context["page_obj"].results
    bodies = {r.obj.slug for r in results if r.source.key == "bodies"}
    assert {"enforcement-committee", "finance-committee", "audit-committee"} <= bodies
    assert "/committees/enforcement-committee/" in response.content.decode()
