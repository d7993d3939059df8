"""Stored XSS: payloads in every translated field, opened in Chromium, run no script.

The models and fields come from modeltranslation's registry, so a model registered for
translation later (photos, bodies) is covered as soon as tests/factories.py has a factory
for it. The browser context bypasses the CSP: the test checks escaping and sanitising
themselves, not only the policy that would stop a script that got through.
"""

import inspect
import json

import factory
import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from modeltranslation.translator import translator

from tests import factories
from tests.site.hostile_corpus import XSS_PAYLOADS

pytestmark = pytest.mark.django_db(transaction=True)
LANGUAGES = ["ru", "en"]
# Fields whose values are validated into a safe shape before they are stored.
NOT_FREE_TEXT = {"slug"}


def _place_photo(photo):
    return factories.ArticlePhotoFactory(photo=photo).article


# Objects shown only inside another page: model label → a function that puts the object on
# a public page and returns that page's object.
PLACEMENTS = {"news.Photo": _place_photo}


def factory_for(model):
    for _name, candidate in inspect.getmembers(factories, inspect.isclass):
        if (
            issubclass(candidate, factory.django.DjangoModelFactory)
            and candidate._meta.model is model
        ):
            return candidate
    pytest.fail(
        f"{model._meta.label} has translated fields but no factory in tests/factories.py: "
        "add one so the stored-XSS test can fill it with payloads."
    )


def translated_fields() -> dict:
    return {
        model: [f for f in translator.get_options_for_model(model).fields if f not in NOT_FREE_TEXT]
        for model in translator.get_registered_models()
        if not model._meta.abstract
    }


def store_payloads(user):
    """One object per translated model, every translated field a payload."""
    objects = []
    payloads = iter(XSS_PAYLOADS * 20)
    for model, fields in translated_fields().items():
        values = {f"{name}_{language}": next(payloads) for name in fields for language in LANGUAGES}
        for name, value in list(values.items()):
            max_length = getattr(model._meta.get_field(name), "max_length", None)
            if max_length and len(value) > max_length:
                values[name] = value[:max_length]
        obj = factory_for(model)(**values)
        objects.append(obj)
        LogEntry.objects.create(
            user=user,
            content_type=ContentType.objects.get_for_model(model),
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            action_flag=CHANGE,
            change_message=json.dumps([{"changed": {"fields": [next(payloads)]}}]),
        )
    return objects


def pages_to_open(objects):
    public, staff = [], ["/admin/"]
    for obj in objects:
        place = PLACEMENTS.get(obj._meta.label)
        shown_on = place(obj) if place else obj
        for language in LANGUAGES:
            with translation.override(language):
                if hasattr(shown_on, "get_absolute_url"):
                    public.append(shown_on.get_absolute_url())
                public += [reverse("home"), reverse("news:article_list")]
        opts = obj._meta
        if obj.__class__ in admin.site._registry:
            try:
                changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            except NoReverseMatch:
                continue
            staff += [
                changelist,
                f"{changelist}?q=window",
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
                reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]),
                reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk]),
            ]
    return list(dict.fromkeys(public)), list(dict.fromkeys(staff))


def test_every_translated_model_is_covered():
    covered = {model._meta.label for model in translated_fields()}
    assert {"news.Article", "news.Rubric", "news.Topic", "news.Photo"} <= covered
    article_fields = set(translated_fields()[factories.ArticleFactory._meta.model])
    assert {"title", "lead", "body", "note"} <= article_fields


def test_stored_payloads_run_no_script_on_public_pages_or_in_the_admin(
    browser, live_server, staff_user
):
    objects = store_payloads(staff_user)
    public, staff = pages_to_open(objects)

    client = Client()
    client.force_login(staff_user)
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    opened = 0
    for path in public + staff:
        response = page.goto(live_server.url + path)
        assert response.status < 500, path
        page.wait_for_load_state("load")
        page.wait_for_timeout(50)  # let any onerror/onload handler fire
        assert page.evaluate("window.__xss") is None, f"a payload ran on {path}"
        assert dialogs == [], f"a dialog opened on {path}: {dialogs}"
        opened += 1
    # The payloads are on the pages, as text.
    page.goto(live_server.url + staff[2])
    assert "window.__xss" in page.content()
    assert opened >= len(objects) * 5

    # The check can fail: the same payload, put into the page unescaped, runs.
    page.evaluate("(html) => document.body.insertAdjacentHTML('beforeend', html)", XSS_PAYLOADS[2])
    page.wait_for_function("window.__xss === 1")
    assert dialogs == ["xss"]
    context.close()
