"""The small helpers that make public pages cheaper to render must give what Django's own
would: {% extends %} with base.html's blocks kept, get_<field>_display() with kept labels,
the shorten and iso_time filters, the memo's pickling of prefetched rows."""

import pickle
from datetime import UTC, date, datetime

import pytest
from django.template import Context, Engine, Template, engines
from django.test import override_settings
from django.utils import translation
from django.utils.safestring import mark_safe

from committees.content import _CHOICE_LABELS, freeze
from committees.models import Session
from fcs_site.template_extends import KeptBlocksExtendsNode, root_blocks
from news.models import Article
from tests.factories import ArticleFactory, BodyFactory, SessionFactory


def engine(templates: dict) -> Engine:
    """The site's engine options, with templates from a dict."""
    options = engines["django"].engine
    return Engine(
        loaders=[("django.template.loaders.locmem.Loader", templates)],
        builtins=["fcs_site.template_extends"],
        libraries=options.libraries,
    )


LAYERS = {
    "root.html": "<title>{% block title %}Site{% endblock %}</title>"
    "<main>{% block content %}root{% endblock %}</main>"
    "{% if wide %}{% block aside %}aside{% endblock %}{% endif %}",
    "section.html": '{% extends "root.html" %}{% block title %}Section · {{ block.super }}'
    "{% endblock %}",
    "page.html": '{% extends "section.html" %}{% block title %}{{ name }} · {{ block.super }}'
    "{% endblock %}{% block content %}{{ name }}{% endblock %}"
    "{% block aside %}more{% endblock %}",
}


def test_extends_renders_three_layers_with_block_super_as_django_does():
    kept = engine(LAYERS)
    plain = Engine(loaders=[("django.template.loaders.locmem.Loader", LAYERS)])
    for context in ({"name": "News", "wide": True}, {"name": "Bodies", "wide": False}):
        ours = kept.get_template("page.html").render(Context(context))
        assert ours == plain.get_template("page.html").render(Context(context))
    assert ours == "<title>Bodies · Section · Site</title><main>Bodies</main>"
    page = kept.get_template("page.html")
    assert isinstance(page.nodelist[0], KeptBlocksExtendsNode)
    # Rendered again, the blocks come from what was kept on the compiled root.
    root = kept.get_template("root.html")
    assert root_blocks(root) is root_blocks(root)
    assert set(root_blocks(root)) == {"title", "content", "aside"}
    assert root_blocks(kept.get_template("section.html")) is None


def test_extends_still_takes_a_template_object_or_a_variable_name():
    kept = engine(LAYERS)
    child = kept.from_string("{% extends parent %}{% block content %}child{% endblock %}")
    by_name = child.render(Context({"parent": "root.html"}))
    by_object = child.render(Context({"parent": kept.get_template("root.html")}))
    assert by_name == by_object == "<title>Site</title><main>child</main>"


def test_the_sites_engine_uses_the_kept_blocks_extends():
    template = engines["django"].from_string('{% extends "base.html" %}')
    assert isinstance(template.template.nodelist[0], KeptBlocksExtendsNode)


@pytest.mark.django_db
def test_choice_labels_follow_the_language_and_unknown_values_show_as_they_are():
    session = SessionFactory.build(format="virtual", status="postponed")
    with translation.override("ru"):
        assert session.get_format_display() == "Дистанционный"
        assert session.get_status_display() == "Перенесена"
    with translation.override("en"):
        assert session.get_format_display() == "Virtual"
    # The labels were read once, from the field's own list of choices.
    assert Session._meta.get_field("format") in _CHOICE_LABELS
    session.format = "by-pigeon"
    assert session.get_format_display() == "by-pigeon"
    assert Session(format=None).get_format_display() is None


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Short lead.", 200, "Short lead."),
        ("  Two\n\nlines  ", 200, "Two lines"),
        ("a" * 10, 10, "a" * 10),
        ("word " * 10, 12, "word word w…"),
        (None, 10, ""),
    ],
)
def test_shorten(text, limit, expected):
    html = Template("{% load seo_tags %}{{ text|shorten:limit }}").render(
        Context({"text": text, "limit": limit})
    )
    assert html == expected
    assert len(html) <= limit


@override_settings(TIME_ZONE="Europe/Moscow")
def test_iso_time_is_the_sites_local_time_to_the_second():
    moment = datetime(2021, 4, 8, 14, 55, 0, 123456, tzinfo=UTC)
    template = Template("{% load site_tags %}{{ value|iso_time }}")
    assert template.render(Context({"value": moment})) == "2021-04-08T17:55:00+03:00"
    assert template.render(Context({"value": date(2021, 4, 8)})) == "2021-04-08"
    assert template.render(Context({"value": None})) == ""
    assert template.render(Context({"value": "not a date"})) == ""


def test_shorten_keeps_text_already_safe_as_it_is():
    html = Template("{% load seo_tags %}{{ text|shorten:20 }}").render(
        Context({"text": mark_safe("A &amp; B")})
    )
    assert html == "A &amp; B"


@pytest.mark.django_db
def test_kept_rows_unpickle_with_their_relations_and_one_queryset_class(
    django_assert_num_queries,
):
    article = ArticleFactory()
    council, other = BodyFactory(slug="council"), BodyFactory(slug="other")
    article.bodies.set([council])
    article = Article.objects.prefetch_related("bodies").get(pk=article.pk)
    frozen = freeze(article)
    first, second = pickle.loads(frozen), pickle.loads(frozen)
    assert first is not second
    with django_assert_num_queries(0):
        assert list(first.bodies.all()) == [council]
    # The relation still filters as a queryset of this article's bodies.
    assert list(second.bodies.filter(slug="council")) == [council]
    assert not second.bodies.filter(slug=other.slug).exists()
    assert type(first.bodies.all()) is type(second.bodies.all())


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("zone", ["Europe/Moscow", "Europe/London"])
def test_moment_writes_what_the_date_filter_writes(language, zone):
    ours = Template("{% load site_tags %}{{ value|moment }}")
    django = Template('{{ value|date:"j E Y H:i" }}')
    moments = [
        datetime(2021, 4, 8, 14, 55, 59, 999999, tzinfo=UTC),
        datetime(2022, 1, 31, 23, 5, tzinfo=UTC),  # another day in Moscow
        datetime(2022, 7, 1, 0, 0, tzinfo=UTC),  # summer time in London
    ]
    with override_settings(TIME_ZONE=zone), translation.override(language):
        for value in moments:
            expected = django.render(Context({"value": value}))
            assert ours.render(Context({"value": value})) == expected
    with override_settings(TIME_ZONE="Europe/Moscow"), translation.override("ru"):
        assert ours.render(Context({"value": moments[1]})) == "1 февраля 2022 02:05"
    with override_settings(TIME_ZONE="Europe/London"), translation.override("en"):
        # The same instant, kept before in Moscow time, is written in London time now.
        assert ours.render(Context({"value": moments[1]})) == "31 January 2022 23:05"
        assert ours.render(Context({"value": None})) == ""
