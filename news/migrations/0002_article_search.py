# Site search: per-language tsvector (PostgreSQL) and folded text (SQLite fallback).

import django.contrib.postgres.search
from django.db import migrations, models

import news.search_index


def index_existing_articles(apps, schema_editor):
    Article = apps.get_model("news", "Article")
    news.search_index.reindex(
        Article.objects.using(schema_editor.connection.alias),
        news.search_index.article_documents,
        schema_editor.connection.vendor,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0001_articles_rubrics_topics"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_en",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="article",
            name="search_ru",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="article",
            name="search_text_en",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="article",
            name="search_text_ru",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddIndex(
            model_name="article",
            index=news.search_index.PostgresOnlyGinIndex(
                fields=["search_ru"], name="news_article_search_ru"
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=news.search_index.PostgresOnlyGinIndex(
                fields=["search_en"], name="news_article_search_en"
            ),
        ),
        migrations.RunPython(index_existing_articles, migrations.RunPython.noop),
        migrations.RunPython(index_existing_articles, migrations.RunPython.noop),
    ]
