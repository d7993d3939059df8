"""Writes with more than one step: state changes of an article and who made them.

Every step of the editorial workflow goes through a function here. Each one checks the
rules of news/workflow.py on the server, refuses to act on an article that changed since
the caller loaded it (its `version`), records who did it and when (ArticleEvent), and
keeps a revision (django-reversion).
"""

import hashlib
import io
import secrets
from datetime import timedelta
from pathlib import PurePosixPath

import reversion
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from PIL import Image

from . import images, workflow
from .models import (
    Article,
    ArticleEvent,
    Photo,
    PhotoRendition,
    PressReleaseCounter,
    PreviewLink,
    language_codes,
)

Status = Article.Status
Action = ArticleEvent.Action


class ArticleEditConflict(Exception):
    """The article was saved by someone else since the caller loaded it."""


def _stale_message(article: Article) -> str:
    current = Article.objects.select_related("updated_by").filter(pk=article.pk).first()
    if current is None:
        return _("The article no longer exists.")
    return _(
        "The article was changed by %(user)s at %(time)s after you opened it. "
        "Reload the page, check what changed and try again."
    ) % {
        "user": display_name(current.updated_by),
        "time": timezone.localtime(current.updated_at).strftime("%H:%M:%S"),
    }


def display_name(user) -> str:
    if user is None:
        return _("someone")
    return user.get_full_name() or user.get_username()


def _claim(article: Article, expected_version: int | None) -> None:
    """Move the article to its next version if it is still at `expected_version`.

    One UPDATE ... WHERE version = n: of two concurrent callers with the same version
    exactly one succeeds (the row lock it takes lasts until the transaction ends).
    """
    expected = article.version if expected_version is None else expected_version
    claimed = Article.objects.filter(pk=article.pk, version=expected).update(
        version=F("version") + 1
    )
    if not claimed:
        raise ArticleEditConflict(_stale_message(article))
    article.version = expected + 1


def _refuse_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _record(article: Article, user, action: str, **fields) -> ArticleEvent:
    return ArticleEvent.objects.create(article=article, user=user, action=action, **fields)


def _transition(article: Article, user, expected_version: int | None, comment: str) -> None:
    """The common part of every workflow step, inside its transaction and revision."""
    try:
        _claim(article, expected_version)
    except ArticleEditConflict as conflict:
        raise ValidationError(str(conflict)) from conflict
    article.updated_by = user
    reversion.set_user(user)
    reversion.set_comment(comment)


def _to_the_second(moment):
    return moment.replace(microsecond=0) if moment is not None else None


def _revoke_open_links(article: Article, user) -> None:
    """Preview links shared for the text before it was withdrawn or taken back stop working:
    whoever holds one no longer sees an article the press office pulled."""
    now = timezone.now()
    for link in article.preview_links.active(now):
        link.revoked_at = now
        link.revoked_by = user
        link.save(update_fields=["revoked_at", "revoked_by"])
        _record(article, user, Action.PREVIEW_REVOKED, note=link.label)


def _announce(article: Article, languages: list[str]) -> None:
    """Tell the rest of the site that `article` is public in `languages`, or will be at its
    date (the email alerts), through the function named in settings: news imports none of
    them. Called inside the step's transaction."""
    hook = getattr(settings, "FCS_ARTICLE_PUBLISHED", "")
    if hook and languages:
        import_string(hook)(article=article, languages=languages)


def _require_a_language(article: Article, message: str) -> None:
    if not article.available_languages():
        raise ValidationError(message % {"article": article})


def article_save(
    *,
    article: Article,
    user,
    expected_version: int | None = None,
    change_notes: dict[str, str] | None = None,
    major: bool = False,
    restored_from=None,
) -> Article:
    """Save an edit from the admin form: refuse a stale one, record it, keep a revision.

    Raises ArticleEditConflict when someone saved the article since `expected_version`.
    A major update of a public article shows its date and note on the public page.
    `restored_from` is the date of the revision whose text this save brings back.
    """
    adding = article._state.adding
    _refuse_unless(workflow.can_edit(user, None if adding else article), _("You cannot edit it."))
    stored = (
        None
        if adding
        else Article.objects.filter(pk=article.pk).values("status", "published_at").first()
    )
    change_notes = {code: (note or "").strip() for code, note in (change_notes or {}).items()}
    with transaction.atomic(), reversion.create_revision():
        if adding:
            article.created_by = user
        else:
            _claim(article, expected_version)
        article.updated_by = user
        # A scheduled article was approved with its text and its time: changing either sends
        # it back to review, so that no text goes live that a second person did not approve.
        reopened = (
            stored is not None
            and stored["status"] == Status.PUBLISHED
            and stored["published_at"] is not None
            and stored["published_at"] > timezone.now()
            and (
                # A restored revision brings its text back before this save sees it.
                restored_from is not None
                or bool(article._changed_text_languages())
                # The form shows times to the second.
                or _to_the_second(article.published_at) != _to_the_second(stored["published_at"])
            )
        )
        if reopened:
            article.status = Status.IN_REVIEW
            article.submitted_by = user
        article.schedule_cancelled = reopened
        # A public article completed in one more language is published in that language now.
        gained = [
            code
            for code in article.available_languages()
            if not adding and not article._was_available_in(code)
        ]
        major = major and not adding and article.is_public()
        if major:
            article.major_updated_at = timezone.now()
            for code in language_codes():
                setattr(article, f"update_note_{code}", change_notes.get(code, ""))
        article.save()
        reversion.set_user(user)
        note = "\n".join(f"[{code}] {text}" for code, text in change_notes.items() if text)
        action = Action.CREATED if adding else Action.EDITED
        if restored_from is not None:
            action = Action.RESTORED
            restored = _("Restored the revision of %(date)s.") % {
                "date": timezone.localtime(restored_from).strftime("%d.%m.%Y %H:%M:%S")
            }
            note = f"{restored}\n{note}".strip()
        _record(article, user, action, note=note, major=major)
        if article.is_public():
            _announce(article, gained)
        if reopened:
            _record(
                article,
                user,
                Action.SUBMITTED,
                note=_("The schedule was cancelled: the text or its time changed after approval."),
            )
    return article


@transaction.atomic
def article_submit(*, article: Article, user, note: str = "", expected_version=None) -> Article:
    _refuse_unless(
        workflow.can_submit(user, article), _("Only a draft you may edit can be submitted.")
    )
    _require_a_language(
        article,
        _("“%(article)s” cannot be submitted: no language has both a headline and a body."),
    )
    with reversion.create_revision():
        _transition(article, user, expected_version, _("Submitted for review"))
        article.status = Status.IN_REVIEW
        article.submitted_by = user
        article.save()
        _record(article, user, Action.SUBMITTED, note=note.strip())
    return article


@transaction.atomic
def article_recall(*, article: Article, user, expected_version=None) -> Article:
    _refuse_unless(
        workflow.can_recall(user, article),
        _("Only the person who submitted an article can take it back."),
    )
    with reversion.create_revision():
        _transition(article, user, expected_version, _("Taken back by the author"))
        article.status = Status.DRAFT
        article.save()
        _record(article, user, Action.RECALLED)
    return article


@transaction.atomic
def article_request_changes(*, article: Article, user, note: str, expected_version=None) -> Article:
    _refuse_unless(
        workflow.can_request_changes(user, article),
        _("You cannot review this article."),
    )
    if not note.strip():
        raise ValidationError(_("Say what should be changed."))
    with reversion.create_revision():
        _transition(article, user, expected_version, _("Changes requested"))
        article.status = Status.DRAFT
        article.save()
        _record(article, user, Action.CHANGES_REQUESTED, note=note.strip())
    return article


@transaction.atomic
def article_publish(
    *, article: Article, user, at=None, reason: str = "", expected_version=None
) -> Article:
    """Publish `article` now, or at `at` (a scheduled article stays hidden until then).

    Needs someone who did not write or submit the current text, unless the publisher
    gives a reason for publishing their own article, which is recorded.
    """
    _refuse_unless(workflow.can_publish(user, article), _("You cannot publish this article."))
    _require_a_language(
        article,
        _("“%(article)s” cannot be published: no language has both a headline and a body."),
    )
    now = timezone.now()
    if at is not None and at <= now:
        raise ValidationError(_("Choose a time in the future, or publish now."))
    own = user.pk in workflow.authors_of_current_text(article)
    reason = reason.strip()
    if own and not reason:
        raise ValidationError(
            _(
                "You wrote, changed or submitted “%(article)s”, so another editor must approve "
                "it. To publish it yourself, give a reason; it is recorded."
            )
            % {"article": article}
        )
    if errors := article.alt_text_errors(article.photos()):
        raise ValidationError(errors)
    with reversion.create_revision():
        _transition(article, user, expected_version, _("Scheduled") if at else _("Published"))
        article.status = Status.PUBLISHED
        if at is not None:
            article.published_at = at
        elif article.published_at is None or article.published_at > now:
            article.published_at = now
        article.withdrawn_at = None
        article.withdrawal_mode = ""
        for code in language_codes():
            setattr(article, f"withdrawal_reason_{code}", "")
        if article.kind == Article.Kind.PRESS_RELEASE and article.press_number is None:
            article.press_year = timezone.localtime(article.published_at).year
            article.press_number = next_press_release_number(article.press_year)
        article.full_clean()
        article.save()
        _record(
            article,
            user,
            Action.SCHEDULED if at else Action.PUBLISHED,
            note=reason,
            self_approved=own,
            scheduled_for=at,
        )
        _announce(article, article.available_languages())
    return article


def next_press_release_number(year: int) -> int:
    """The next number of `year`, unique under concurrent publishing.

    The UPDATE takes the counter row's lock until the publishing transaction ends, so a
    concurrent publisher waits and then reads the number after ours (PostgreSQL); SQLite
    lets one writer in at a time. The first release of a year creates the row; two first
    releases racing meet the primary key, and the loser counts on from the winner's row.
    """
    for _attempt in range(3):
        if PressReleaseCounter.objects.filter(year=year).update(last_number=F("last_number") + 1):
            return PressReleaseCounter.objects.get(year=year).last_number
        try:
            with transaction.atomic():
                PressReleaseCounter.objects.create(year=year, last_number=1)
            return 1
        except IntegrityError:
            continue
    raise RuntimeError(f"Could not take a press release number for {year}")


@transaction.atomic
def article_unpublish(*, article: Article, user, note: str = "", expected_version=None) -> Article:
    """Back to drafts: hidden everywhere; a scheduled article's schedule is cancelled."""
    _refuse_unless(workflow.can_unpublish(user, article), _("You cannot unpublish this article."))
    with reversion.create_revision():
        _transition(article, user, expected_version, _("Returned to drafts"))
        article.status = Status.DRAFT
        article.withdrawn_at = None
        article.withdrawal_mode = ""
        article.save()
        _record(article, user, Action.UNPUBLISHED, note=note.strip())
        _revoke_open_links(article, user)
    return article


@transaction.atomic
def article_withdraw(
    *,
    article: Article,
    user,
    mode: str,
    reasons: dict[str, str],
    expected_version=None,
) -> Article:
    """Withdraw a public article: it leaves every list, feed and search.

    With the notice mode its address still shows it, under a dated notice with the reason;
    with the gone mode the address answers 410 Gone.
    """
    _refuse_unless(workflow.can_withdraw(user, article), _("You cannot withdraw this article."))
    if mode not in Article.WithdrawalMode.values:
        raise ValidationError(_("Choose what happens to the article’s address."))
    reasons = {code: (reasons.get(code) or "").strip() for code in language_codes()}
    needed = article.available_languages() if mode == Article.WithdrawalMode.NOTICE else []
    missing = [code for code in needed if not reasons[code]]
    if missing or not any(reasons.values()):
        raise ValidationError(
            _("Give the reason for the withdrawal in every language the article is published in.")
        )
    with reversion.create_revision():
        _transition(article, user, expected_version, _("Withdrawn"))
        article.status = Status.WITHDRAWN
        article.withdrawn_at = timezone.now()
        article.withdrawal_mode = mode
        for code, reason in reasons.items():
            setattr(article, f"withdrawal_reason_{code}", reason)
        article.save()
        _record(
            article,
            user,
            Action.WITHDRAWN,
            note="\n".join(f"[{code}] {text}" for code, text in reasons.items() if text),
        )
        _revoke_open_links(article, user)
    return article


def photo_create(*, file, user=None, **fields) -> Photo:
    """Check and clean an uploaded `file` (see `images.clean_upload`), store it and make its
    renditions. `fields` are the photo's other fields (alt_ru, caption_en, credit_ru, ...)."""
    cleaned = images.clean_upload(file)
    photo = Photo(image=cleaned.file, uploaded_by=user, **fields)
    photo.full_clean()
    photo.save()
    photo_make_renditions(photo=photo)
    return photo


def rendition_name(source: str, width: int, fmt: str) -> str:
    path = PurePosixPath(source)
    return str(path.with_name(f"{path.stem}-{width}w.{images.EXTENSIONS[fmt]}"))


def photo_make_renditions(*, photo: Photo) -> int:
    """Make the renditions `photo` lacks and drop those it no longer needs; return how many
    were made. Renditions that exist are reused, so a second call makes nothing.

    Reads and writes through the photo's storage only, so an object store works as well as
    a local folder.
    """
    storage = photo.image.storage
    wanted = {
        (width, fmt)
        for width in images.rendition_widths(photo.width)
        for fmt in dict.fromkeys([photo.format, PhotoRendition.Format.WEBP])
    }
    have = set()
    for rendition in PhotoRendition.objects.filter(photo=photo):
        key = (rendition.width, rendition.format)
        if rendition.source != photo.image.name or key not in wanted:
            storage.delete(rendition.file.name)
            rendition.delete()
        else:
            have.add(key)
    missing = sorted(wanted - have)
    if not missing:
        return 0

    with photo.image.open("rb") as stored:
        data = stored.read()
    with Image.open(io.BytesIO(data)) as original:
        original.load()
        for width in sorted({width for width, _fmt in missing}):
            resized = images.resize(original, width)
            for fmt in sorted(fmt for w, fmt in missing if w == width):
                name = rendition_name(photo.image.name, width, fmt)
                if storage.exists(name):
                    storage.delete(name)
                same_file = resized is original and fmt == photo.format
                content = data if same_file else images.encode(resized, fmt)
                saved = storage.save(name, ContentFile(content))
                PhotoRendition.objects.create(
                    photo=photo,
                    format=fmt,
                    width=resized.width,
                    height=resized.height,
                    file=saved,
                    source=photo.image.name,
                )
    return len(missing)


def photo_files_changed(*, photo: Photo, replaced: str | None = None) -> int:
    """After `photo` was saved: bring its renditions up to date and, when a new file replaced
    the one named `replaced`, delete that one once the change is committed."""
    made = photo_make_renditions(photo=photo)
    if replaced and replaced != photo.image.name:
        storage = photo.image.storage
        transaction.on_commit(lambda: storage.delete(replaced))
    return made


def photo_delete(*, photo: Photo) -> None:
    """Delete `photo`, then its files once the deletion is committed.

    Raises ProtectedError while an article shows it (as lead photo or in a gallery)."""
    storage = photo.image.storage
    names = [photo.image.name, *photo.renditions.values_list("file", flat=True)]

    def delete_files():
        for name in names:
            storage.delete(name)

    with transaction.atomic():
        photo.delete()
        transaction.on_commit(delete_files)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def preview_link_create(
    *, article: Article, user, hours: int | None = None, label: str = ""
) -> tuple[PreviewLink, str]:
    """A new shareable preview link; returns it and its token (shown once, never stored)."""
    _refuse_unless(workflow.can_share_preview(user, article), _("You cannot share previews."))
    hours = hours or settings.FCS_PREVIEW_LINK_HOURS
    if not 1 <= hours <= 24 * 14:
        raise ValidationError(_("A preview link lasts from 1 hour to 14 days."))
    token = secrets.token_urlsafe(32)
    link = PreviewLink.objects.create(
        article=article,
        token_hash=_token_hash(token),
        label=label.strip(),
        created_by=user,
        expires_at=timezone.now() + timedelta(hours=hours),
    )
    _record(article, user, Action.PREVIEW_SHARED, note=label.strip())
    return link, token


@transaction.atomic
def preview_link_revoke(*, link: PreviewLink, user) -> PreviewLink:
    _refuse_unless(workflow.can_share_preview(user, link.article), _("You cannot share previews."))
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = user
        link.save(update_fields=["revoked_at", "revoked_by"])
        _record(link.article, user, Action.PREVIEW_REVOKED, note=link.label)
    return link


def preview_link_for_token(token: str) -> PreviewLink | None:
    if not token or len(token) > 100:
        return None
    return (
        PreviewLink.objects.select_related("article", "article__rubric")
        .filter(token_hash=_token_hash(token))
        .first()
    )
