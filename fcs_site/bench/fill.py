"""Fill a PostgreSQL database with benchmark content, fast: COPY in batches, then VACUUM ANALYZE.

The articles are written with PostgreSQL's COPY through psycopg2 (`copy_expert`), every
concrete column of `Article` included, so columns other apps add get their model
defaults. Content of other apps is added by the functions in `EXTRA_FILLERS`; each one
skips with a note while its models do not exist yet.
"""

import io
import json
import multiprocessing
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from django.apps import apps
from django.core.management import call_command, get_commands
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from news import search_index
from news.models import Article, ArticleEvent, Rubric, Topic

from . import content


@dataclass
class FillReport:
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def _copy_text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        value = value.isoformat()
    elif hasattr(value, "adapted"):  # psycopg2's Json wrapper
        value = json.dumps(value.adapted)
    elif isinstance(value, dict | list):
        value = json.dumps(value)
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def _copy(cursor, table: str, columns: list[str], text: str) -> None:
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    cursor.copy_expert(
        f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN", io.StringIO(text)
    )


@dataclass(frozen=True)
class _Batch:
    start: int
    size: int
    seed: int
    now: datetime
    first_id: int
    rubrics: dict
    topics: dict


TEXT_FIELDS = ("title", "slug", "lead", "body", "note")


def _search_parts(item: dict) -> tuple[dict[str, str], list[str]]:
    """An article's `search_text_<lang>` values, and the plain text of each weight per
    language for its `search_<lang>` vectors: what saving the article would write."""
    documents = search_index.article_documents(SimpleNamespace(**item))
    texts, parts = {}, []
    for language in SEARCH_LANGUAGES:
        # Each text cleaned once: the folded text is the cleaned parts joined, case-folded,
        # which is what search_index.search_text() makes of the raw parts.
        cleaned = [(search_index.clean_text(text), weight) for text, weight in documents[language]]
        joined = " ".join(text for text, _weight in cleaned if text)
        texts[f"search_text_{language}"] = search_index.yo_to_ye(joined.casefold())
        by_weight = dict.fromkeys(search_index.WEIGHTS, "")
        for text, weight in cleaned:
            by_weight[weight] = f"{by_weight[weight]} {search_index.yo_to_ye(text)}".strip()
        parts += by_weight.values()
    return texts, parts


def _make_batch(batch: _Batch) -> tuple[str, str, int]:
    """COPY text of one batch of articles (each row followed by the plain texts its search
    vectors are made from) and of their topic links (run in a worker)."""
    # Each column is either the same for every row (a model default, written once) or
    # taken from the generated article.
    varying = {"id", "rubric_id", "kind", "status", "published_at"}
    varying |= {"withdrawn_at", "withdrawal_reason"}
    varying |= {f"search_text_{language}" for language in SEARCH_LANGUAGES}
    varying |= {f"{name}{suffix}" for name in TEXT_FIELDS for suffix in ("", "_ru", "_en")}
    template = []
    for model_field in _article_columns():
        if model_field.attname in varying:
            template.append(model_field.attname)
            continue
        if model_field.attname in ("created_at", "updated_at"):
            value = batch.now
        elif model_field.has_default():
            value = model_field.get_default()
        else:
            value = None if model_field.null else ""
        template.append((_copy_text(model_field.get_db_prep_save(value, connection)),))
    rows, links = io.StringIO(), io.StringIO()
    count = 0
    generated = content.articles(batch.size, start=batch.start, seed=batch.seed, now=batch.now)
    for offset, item in enumerate(generated):
        pk = batch.first_id + batch.start + offset
        values = {
            "id": str(pk),
            "rubric_id": str(batch.rubrics[item["rubric"]]),
            "kind": str(item["kind"]),
            "status": str(item["status"]),
            "published_at": _copy_text(item["published_at"]),
            "withdrawn_at": _copy_text(item["withdrawn_at"]),
            "withdrawal_reason": _copy_text(item["withdrawal_reason"]),
        }
        for name in TEXT_FIELDS:
            values[f"{name}_ru"] = values[name] = _copy_text(item[f"{name}_ru"])
            values[f"{name}_en"] = _copy_text(item[f"{name}_en"])
        texts, parts = _search_parts(item)
        values.update({name: _copy_text(text) for name, text in texts.items()})
        rows.write(
            "\t".join(column[0] if type(column) is tuple else values[column] for column in template)
        )
        rows.write("\t" + "\t".join(map(_copy_text, parts)) + "\n")
        for slug in item["topics"]:
            links.write(f"{pk}\t{batch.topics[slug]}\n")
            count += 1
    return rows.getvalue(), links.getvalue(), count


def _article_columns() -> list:
    return [
        model_field
        for model_field in Article._meta.concrete_fields
        if not getattr(model_field, "generated", False)
    ]


def _wipe(cursor) -> None:
    """Empty the news tables (and any table that refers to them)."""
    # The workflow history has no foreign key to its article (it outlives a deletion):
    # named here, or new articles numbered from 1 would inherit the old ones' history.
    tables = [ArticleEvent._meta.db_table]
    tables += [Article.topics.through._meta.db_table, Article._meta.db_table]
    tables += [Rubric._meta.db_table, Topic._meta.db_table]
    quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
    cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")


def _drop_secondary_indexes(cursor, tables: list[str]) -> list[str]:
    """Drop the indexes that back no constraint; their definitions, to build them again.

    Building an index once after the load is much faster than updating it row by row.
    """
    cursor.execute(
        """
        SELECT index.relname, pg_get_indexdef(index.oid)
        FROM pg_index
        JOIN pg_class index ON index.oid = pg_index.indexrelid
        JOIN pg_class tbl ON tbl.oid = pg_index.indrelid
        WHERE tbl.relname = ANY(%s) AND tbl.relnamespace = 'public'::regnamespace
          AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = pg_index.indexrelid)
        """,
        [tables],
    )
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [definition for _name, definition in found]


SEARCH_LANGUAGES = tuple(search_index.CONFIGS)
ARTICLE_STAGING = "bench_article_staging"


def _staging_columns() -> list[str]:
    return [
        f"{language}_{weight.lower()}"
        for language in SEARCH_LANGUAGES
        for weight in search_index.WEIGHTS
    ]


def _insert_from_staging(cursor, table: str, columns: list[str]) -> None:
    """The staged articles into `table` in one INSERT from the staging table, with their weighted
    tsvectors made from the staged plain texts: the same `setweight(to_tsvector(config,
    text), weight)` sum that saving an article writes (news.search_index.search_vector), set-
    based, and each row written once (an UPDATE afterwards would write every row twice)."""
    vectors = {
        f"search_{language}": " || ".join(
            f"setweight(to_tsvector('{config}'::regconfig, "
            f"COALESCE({language}_{weight.lower()}, '')), '{weight}')"
            for weight in search_index.WEIGHTS
        )
        for language, config in search_index.CONFIGS.items()
    }
    quote = connection.ops.quote_name
    selected = ", ".join(vectors.get(column) or quote(column) for column in columns)
    cursor.execute(
        f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) "
        f"SELECT {selected} FROM {ARTICLE_STAGING} ORDER BY id"
    )


def fill_articles(*, count: int, batch: int, seed: int, report: FillReport, progress=True):
    """Replace all news with `count` generated articles, in one transaction.

    Workers write the COPY text of the next batches while PostgreSQL loads the current
    one, so the fill uses every core. They are forked before the database connection is
    opened, and never open one.
    """
    now = timezone.now()
    started = time.monotonic()
    connection.close()
    workers = os.cpu_count() or 2
    with multiprocessing.get_context("fork").Pool(workers) as pool, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO off")
            # The site's statement timeout guards pages, not a bulk load.
            cursor.execute("SET LOCAL statement_timeout TO 0")
            # Check foreign keys row by row rather than queueing 100 000s of checks.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            _wipe(cursor)
        rubrics = {
            rubric.slug: rubric.pk
            for rubric in Rubric.objects.bulk_create(
                Rubric(slug=slug, name=ru, name_ru=ru, name_en=en, position=position)
                for position, (slug, ru, en) in enumerate(content.RUBRICS, start=1)
            )
        }
        topics = {
            topic.slug: topic.pk
            for topic in Topic.objects.bulk_create(
                Topic(slug=slug, name=ru, name_ru=ru, name_en=en) for slug, ru, en in content.TOPICS
            )
        }
        report.counts["rubrics"], report.counts["topics"] = len(rubrics), len(topics)
        columns = [model_field.column for model_field in _article_columns()]
        table, through = Article._meta.db_table, Article.topics.through._meta.db_table
        batches = [
            _Batch(start, min(batch, count - start), seed, now, 1, rubrics, topics)
            for start in range(0, count, batch)
        ]
        links = 0
        bar = tqdm(
            total=count, unit=" articles", file=sys.stderr, disable=not progress, mininterval=0.5
        )
        with connection.cursor() as wrapper:
            indexes = _drop_secondary_indexes(wrapper, [table, through])
            # A temporary table (no WAL) takes the rows with their plain search texts; one
            # INSERT then writes the articles with their vectors.
            wrapper.execute(
                f"CREATE TEMPORARY TABLE {ARTICLE_STAGING} "
                f"(LIKE {connection.ops.quote_name(table)}, "
                + ", ".join(f"{column} text" for column in _staging_columns())
                + ") ON COMMIT DROP"
            )
            topic_links = []
            for (rows, topic_rows, linked), job in zip(
                pool.imap(_make_batch, batches), batches, strict=True
            ):
                _copy(wrapper.cursor, ARTICLE_STAGING, [*columns, *_staging_columns()], rows)
                # Each batch is written with its vectors at once, while the workers write
                # the next ones: PostgreSQL makes the vectors (half the fill's work) on one
                # core while Python uses the other, instead of after it.
                _insert_from_staging(wrapper, table, columns)
                wrapper.execute(f"TRUNCATE {ARTICLE_STAGING}")
                topic_links.append(topic_rows)
                links += linked
                bar.update(job.size)
            bar.close()
            _copy(wrapper.cursor, through, ["article_id", "topic_id"], "".join(topic_links))
            report.seconds["articles: generated and inserted with search vectors"] = (
                time.monotonic() - started
            )
            mark = time.monotonic()
            for definition in indexes:
                wrapper.execute(definition)
            report.seconds["articles: indexes built"] = time.monotonic() - mark
            wrapper.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, count])
    report.counts["articles"] = count
    report.counts["article topics"] = links


# Synthetic working groups: one per this many articles, each with this many sessions.
ARTICLES_PER_BODY = 2000
SESSIONS_PER_BODY = 20
# The share of articles that report on a body, and of those also on one of its sessions.
BODY_LINK_SHARE = 0.25
SESSION_LINK_SHARE = 0.5


def fill_committees(*, count: int, seed: int, report: FillReport) -> None:
    """The real WCO bodies of the demo, plus working groups with numbered sessions in
    proportion to `count`; a quarter of the articles report on a body (half of those on
    one of its sessions), half of them on the demo bodies, which the body page shows."""
    from committees import demo
    from committees.models import Body, Session
    from fcs_site.committees_index import reindex_committees

    rng = random.Random(seed)
    committee_tables = [
        model._meta.db_table for model in apps.get_app_config("committees").get_models()
    ]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout TO 0")
            quoted = ", ".join(connection.ops.quote_name(table) for table in committee_tables)
            cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
        demo.load()
        real = list(Body.objects.order_by("pk"))
        groups = Body.objects.bulk_create(
            Body(
                slug=f"bench-working-group-{number}",
                name_ru=f"Рабочая группа по {content.GROUP_SUBJECTS[number % 10][0]} №{number}",
                name_en=f"Working Group on {content.GROUP_SUBJECTS[number % 10][1]} No. {number}",
                classification=Body.Classification.WORKING_GROUP,
                position=100 + number,
            )
            for number in range(1, max(5, count // ARTICLES_PER_BODY) + 1)
        )
        first_day = date(2026, 6, 1)
        sessions = Session.objects.bulk_create(
            Session(
                body=group,
                number=number,
                start_date=first_day - timedelta(days=182 * (SESSIONS_PER_BODY - number)),
                end_date=first_day - timedelta(days=182 * (SESSIONS_PER_BODY - number) - 2),
                format=rng.choice(list(Session.Format)),
                venue_ru="Брюссель",
                venue_en="Brussels",
                status=Session.Status.HELD,
                summary_ru=f"{number}-я сессия рассмотрела доклады рабочих подгрупп.",
                summary_en=f"The {content.ordinal_en(number)} session considered the reports.",
            )
            for group in groups
            for number in range(1, SESSIONS_PER_BODY + 1)
        )
        sessions_of = {}
        for session in [*Session.objects.filter(body__in=real, parent__isnull=True), *sessions]:
            sessions_of.setdefault(session.body_id, []).append(session.pk)
        body_links, session_links = io.StringIO(), io.StringIO()
        linked = {"bodies": 0, "sessions": 0}
        for article_id in range(1, count + 1):
            if rng.random() >= BODY_LINK_SHARE:
                continue
            body = rng.choice(real if rng.random() < 0.5 else groups)
            body_links.write(f"{article_id}\t{body.pk}\n")
            linked["bodies"] += 1
            if sessions_of.get(body.pk) and rng.random() < SESSION_LINK_SHARE:
                session_links.write(f"{article_id}\t{rng.choice(sessions_of[body.pk])}\n")
                linked["sessions"] += 1
        with connection.cursor() as wrapper:
            for field_name, column, rows in (
                ("bodies", "body_id", body_links),
                ("sessions", "session_id", session_links),
            ):
                through = getattr(Article, field_name).through._meta.db_table
                _copy(wrapper.cursor, through, ["article_id", column], rows.getvalue())
        # bulk_create bypasses save(): the site-search columns are written here.
        reindex_committees()
    report.counts["bodies"] = Body.objects.count()
    report.counts["sessions"] = Session.objects.count()
    report.counts["article–body links"] = linked["bodies"]
    report.counts["article–session links"] = linked["sessions"]


# Each adds another app's content: (name, function(count=, seed=, report=)).
EXTRA_FILLERS: list[tuple[str, Callable]] = [("committees", fill_committees)]
# Management commands run after the fill when they exist (derived data such as a search index).
# (The articles' search columns are written by the fill itself, set-based.)
POST_FILL_COMMANDS: list[str] = []


def fill(*, articles: int, batch: int = 5000, seed: int = 2021, progress=True) -> FillReport:
    report = FillReport()
    started = time.monotonic()
    fill_articles(count=articles, batch=batch, seed=seed, report=report, progress=progress)
    report.seconds["articles"] = time.monotonic() - started
    for name, filler in EXTRA_FILLERS:
        mark = time.monotonic()
        filler(count=articles, seed=seed, report=report)
        report.seconds[name] = time.monotonic() - mark
    available = get_commands()
    for command in POST_FILL_COMMANDS:
        if command in available:
            mark = time.monotonic()
            call_command(command)
            report.seconds[command] = time.monotonic() - mark
        else:
            report.notes.append(f"{command}: no such command yet; skipped")
    mark = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('statement_timeout')")
        timeout = cursor.fetchone()[0]
        cursor.execute("SET statement_timeout TO 0")
        try:
            cursor.execute("VACUUM ANALYZE")
        finally:
            cursor.execute("SELECT set_config('statement_timeout', %s, false)", [timeout])
    report.seconds["vacuum analyze"] = time.monotonic() - mark
    report.seconds["total"] = time.monotonic() - started
    return report
