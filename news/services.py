"""Writes with more than one step: state changes of an article and who made them."""

import io
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from . import images
from .models import Article, Photo, PhotoRendition


@transaction.atomic
def article_publish(*, article: Article, user, at=None) -> Article:
    """Publish `article` now, or at `at` (a scheduled article stays hidden until then)."""
    if not article.available_languages():
        raise ValidationError(
            _("“%(article)s” cannot be published: no language has both a headline and a body.")
            % {"article": article}
        )
    if errors := article.alt_text_errors(article.photos()):
        raise ValidationError(errors)
    article.status = Article.Status.PUBLISHED
    article.published_at = at or article.published_at or timezone.now()
    article.updated_by = user
    article.full_clean()
    article.save()
    return article


@transaction.atomic
def article_unpublish(*, article: Article, user) -> Article:
    article.status = Article.Status.DRAFT
    article.updated_by = user
    article.save(update_fields=["status", "updated_by"])
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
