"""The site-search columns of WCO bodies, sessions and people (see news/search_index.py).

The committees app knows nothing of the search: fcs_site owns it, so it writes these columns.
After every save, `row_saved()` (which every public model's save() calls through the
FCS_CONTENT_SAVED setting; it acts on bodies, sessions and people) rewrites the row's
columns with one UPDATE; a body's save also re-indexes those of its sessions whose text
changed, since a session's title carries its body's name. `reindex_committees()` rewrites
every row: after writes that bypass save()
(bulk_create, update(), loaddata), and
in the data migration that fills the rows that existed before the columns.

The documents are built from plain field values (``name_ru``, ``name_en`` ...), so the
historical models of a migration can use them. A row that is not available in a language
gets an empty document there: the search never shows it in that language anyway.

Phases of a session are parts of the numbered session, shown on its page: they are not
results of their own and their columns stay empty.
"""

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import translation

from committees.models import Body, Person, Session
from news.search_index import CONFIGS, index_values, reindex

Documents = dict[str, list[tuple[str, str]]]


def _value(obj, name: str, language: str) -> str:
    return getattr(obj, f"{name}_{language}", "") or ""


def _classification_label(value: str, language: str) -> str:
    if value not in Body.Classification.values:
        return ""
    with translation.override(language):
        return str(Body.Classification(value).label)


def body_documents(body) -> Documents:
    """Name and abbreviation (A), description (C), the kind of body (D: "Committee")."""
    documents = {}
    for language in CONFIGS:
        if not _value(body, "name", language):
            documents[language] = []
            continue
        documents[language] = [
            (_value(body, "name", language), "A"),
            (_value(body, "abbreviation", language), "A"),
            (_value(body, "description", language), "C"),
            (_classification_label(body.classification, language), "D"),
        ]
    return documents


def session_title(session, body, language: str) -> str:
    """ "41st session of the WCO Enforcement Committee", «41-я сессия Комитета по …»."""
    name = _value(body, "name", language)
    return Session.title_in(
        language,
        number=session.number,
        second_number=session.second_number,
        body_genitive=_value(body, "name_genitive", language) or name,
    )


def session_documents(session, body) -> Documents:
    """The title and the numbers (A), the body's abbreviation and the venue (B), the summary (C).

    The title already holds the body's name (in the genitive in Russian): its name is not
    added again, so that a search for the name ranks the body above its sessions. `body` is
    the session's body, passed separately so that re-indexing a body's sessions needs no
    query per session.
    """
    documents = {}
    for language in CONFIGS:
        if session.parent_id is not None or session.number is None:
            documents[language] = []
            continue
        if not _value(body, "name", language):
            documents[language] = []
            continue
        documents[language] = [
            (session_title(session, body, language), "A"),
            # The numbers on their own: English writes "41st", a word that "41" does not find.
            (" ".join(str(n) for n in (session.number, session.second_number) if n), "A"),
            (_value(body, "abbreviation", language), "B"),
            (_value(session, "venue", language), "B"),
            (_value(session, "summary", language), "C"),
        ]
    return documents


def person_documents(person) -> Documents:
    """The name as shown and its parts (A); position, organisation and country (B)."""
    documents = {}
    for language in CONFIGS:
        if not _value(person, "name", language):
            documents[language] = []
            continue
        documents[language] = [
            (_value(person, "name", language), "A"),
            (_value(person, "given_name", language), "A"),
            (_value(person, "patronymic", language), "A"),
            (_value(person, "family_name", language), "A"),
            (_value(person, "position", language), "B"),
            (_value(person, "organisation", language), "B"),
            (_value(person, "country", language), "B"),
        ]
    return documents


def _write(model, pk, documents: Documents, using: str) -> None:
    # The base manager: a plain UPDATE, without the "content changed" signal that the save
    # itself has already sent.
    values = index_values(documents, connections[using].vendor)
    model._base_manager.using(using).filter(pk=pk).update(**values)


def reindex_body_sessions(body, *, using: str = DEFAULT_DB_ALIAS, session_model=Session) -> int:
    """Re-index the sessions of `body` whose text changed (its name is in their titles)."""
    vendor = connections[using].vendor
    sessions = session_model._base_manager.using(using).filter(body_id=body.pk, parent__isnull=True)
    names = ["pk", "number", "second_number", "parent"]
    names += [f"{prefix}_{language}" for prefix in ("venue", "summary") for language in CONFIGS]
    names += [f"search_text_{language}" for language in CONFIGS]
    written = 0
    for session in sessions.order_by("pk").only(*names):
        values = index_values(session_documents(session, body), vendor)
        if all(
            getattr(session, f"search_text_{language}") == values[f"search_text_{language}"]
            for language in CONFIGS
        ):
            continue
        session_model._base_manager.using(using).filter(pk=session.pk).update(**values)
        written += 1
    return written


def row_saved(instance, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Rewrite the search columns of a body, session or person just saved.

    Named in settings (FCS_CONTENT_SAVED): the committees' `save()` calls it, as the
    convention "save() fills the derived fields of its own row" asks, without committees
    importing the search. loaddata does not call `save()`: its rows bring their columns.
    """
    if isinstance(instance, Body):
        _write(Body, instance.pk, body_documents(instance), using)
        reindex_body_sessions(instance, using=using)
    elif isinstance(instance, Session):
        if instance.parent_id is None:
            _write(Session, instance.pk, session_documents(instance, instance.body), using)
    elif isinstance(instance, Person):
        _write(Person, instance.pk, person_documents(instance), using)


def reindex_committees(
    *, using: str = DEFAULT_DB_ALIAS, body_model=Body, session_model=Session, person_model=Person
) -> dict[str, int]:
    """Rewrite the search columns of every body, session and person; rows written per kind.

    The models may be historical ones (a data migration passes ``apps.get_model(...)``).
    """
    vendor = connections[using].vendor
    counts = {}
    counts["bodies"] = reindex(
        body_model._base_manager.using(using).all(),
        body_documents,
        vendor,
        manager=body_model._base_manager.db_manager(using),
    )
    counts["sessions"] = reindex(
        session_model._base_manager.using(using).filter(parent__isnull=True).select_related("body"),
        lambda session: session_documents(session, session.body),
        vendor,
        manager=session_model._base_manager.db_manager(using),
    )
    counts["people"] = reindex(
        person_model._base_manager.using(using).all(),
        person_documents,
        vendor,
        manager=person_model._base_manager.db_manager(using),
    )
    return counts
