"""The read-bump-store race, with a real Redis and two threads.

A page is made from rows read before an edit; the edit commits and bumps its tags; then
the page is about to be stored. Stored under the versions read after the bump, it would
be served as fresh until the next edit. It must not be stored at all.
"""

import threading

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test import Client

from news.models import Article
from tests.factories import ArticleFactory
from tests.site.redis_support import redis_page_cache  # noqa: F401 (a fixture)

STATUS = "X-Page-Cache"
pytestmark = pytest.mark.usefixtures("redis_page_cache")


@pytest.mark.django_db(transaction=True)
def test_a_page_made_from_rows_read_before_an_edit_is_not_stored():
    article = ArticleFactory(title_en="Before the edit")
    url = article.get_absolute_url("en")
    read, edited = threading.Event(), threading.Event()
    reader = {}

    def pause_after_reading(sender, instance, **kwargs):
        # In the reader's thread only: the row is read; wait until the edit has committed.
        if threading.current_thread().name == "reader" and instance.pk == article.pk:
            read.set()
            assert edited.wait(10)

    def read_page():
        try:
            reader["response"] = Client().get(url)
        finally:
            connection.close()

    post_init.connect(pause_after_reading, sender=Article)
    try:
        thread = threading.Thread(target=read_page, name="reader")
        thread.start()
        assert read.wait(10)
        # The editor's save, in this thread: committed, and its tags bumped.
        article.title_en = "After the edit"
        article.save()
        edited.set()
        thread.join(10)
    finally:
        post_init.disconnect(pause_after_reading, sender=Article)
        edited.set()
    stale = reader["response"]
    assert stale.status_code == 200
    assert "Before the edit" in stale.content.decode()  # made from the old row...
    assert STATUS not in stale  # ...and not stored
    fresh = Client().get(url)
    assert fresh[STATUS] == "miss"
    assert "After the edit" in fresh.content.decode()
    assert Client().get(url)[STATUS] == "hit"


@pytest.mark.django_db(transaction=True)
def test_pages_read_after_the_edit_committed_are_stored():
    """The guard refuses only what it must: a page begun after the last edit is kept."""
    article = ArticleFactory(title_en="Settled")
    article.title_en = "Settled, edited"
    article.save()
    url = article.get_absolute_url("en")
    results = []

    def read_page():
        try:
            results.append(Client().get(url))
        finally:
            connection.close()

    threads = [threading.Thread(target=read_page) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert all("Settled, edited" in response.content.decode() for response in results)
    assert Client().get(url)[STATUS] == "hit"
