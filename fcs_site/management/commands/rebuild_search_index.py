from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections

from fcs_site.committees_index import reindex_committees
from news import search_index
from news.models import Article


class Command(BaseCommand):
    help = (
        "Rewrite the site-search columns of every article, body, session and person. Saving "
        "keeps them current; run this after writes that bypass save(): bulk_create, update(), "
        "loaddata."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database=DEFAULT_DB_ALIAS, **options):
        count = search_index.reindex(
            Article.objects.using(database),
            search_index.article_documents,
            connections[database].vendor,
        )
        self.stdout.write(f"Search index rebuilt for {count} articles.")
        counts = reindex_committees(using=database)
        self.stdout.write(
            "Search index rebuilt for {bodies} bodies, {sessions} sessions and "
            "{people} people.".format(**counts)
        )
