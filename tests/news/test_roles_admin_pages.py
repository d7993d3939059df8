"""The editorial roles at work in the admin as real members of their groups, not as
superusers: photos (upload, alt text, gallery), links to the WCO registry, the registry
itself. Each role sees what its work needs and no more."""

import pytest
from django.urls import reverse

from tests.factories import BodyFactory, PersonFactory, PhotoFactory, SessionFactory

from .workflow_support import make_user

pytestmark = pytest.mark.django_db

ROLES = {"author": "Author", "editor": "Editor", "administrator": "Administrator"}


@pytest.fixture
def registry():
    body = BodyFactory(slug="council", name_en="Council", name_ru="Совет")
    return {
        "body": body,
        "session": SessionFactory(body=body, number=141),
        "person": PersonFactory(),
        "photo": PhotoFactory(),
    }


def as_role(client, role):
    client.force_login(make_user(ROLES[role], f"{role}-user"))
    return client


def autocomplete(client, field):
    return client.get(
        reverse("admin:autocomplete"),
        {"app_label": "news", "model_name": "article", "field_name": field, "term": ""},
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_role_uploads_and_describes_photos_and_fills_a_gallery(client, registry, role):
    client = as_role(client, role)
    photo = registry["photo"]
    assert client.get(reverse("admin:news_photo_changelist")).status_code == 200
    assert client.get(reverse("admin:news_photo_add")).status_code == 200
    assert client.get(reverse("admin:news_photo_change", args=[photo.pk])).status_code == 200
    page = client.get(reverse("admin:news_article_add"))
    assert page.status_code == 200
    assert 'name="gallery_items-TOTAL_FORMS"' in page.content.decode()
    # Only an administrator deletes a photo: it leaves every article that shows it.
    deleting = client.get(reverse("admin:news_photo_delete", args=[photo.pk]))
    assert deleting.status_code == (200 if role == "administrator" else 403)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("field", ["lead_photo", "bodies", "sessions", "people", "rubric"])
def test_every_role_links_an_article_to_photos_and_the_registry(client, registry, role, field):
    response = autocomplete(as_role(client, role), field)
    assert response.status_code == 200, (role, field)
    assert response.json()["results"] or field == "rubric"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", ["body", "session", "person", "post", "term"])
def test_authors_read_the_registry_and_editors_keep_it(client, registry, role, model):
    client = as_role(client, role)
    assert client.get(reverse(f"admin:committees_{model}_changelist")).status_code == 200
    adding = client.get(reverse(f"admin:committees_{model}_add"))
    assert adding.status_code == (403 if role == "author" else 200), (role, model)


@pytest.mark.parametrize("role", ROLES)
def test_only_administrators_delete_bodies(client, registry, role):
    client = as_role(client, role)
    response = client.get(reverse("admin:committees_body_delete", args=[registry["body"].pk]))
    assert response.status_code == (200 if role == "administrator" else 403)


def test_an_editor_adds_the_english_alt_text_of_a_photo(client, registry):
    client = as_role(client, "editor")
    photo = registry["photo"]
    page = client.get(reverse("admin:news_photo_change", args=[photo.pk]))
    assert 'name="alt_en"' in page.content.decode()
