"""Writes with more than one step: state changes of an article and who made them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Article


@transaction.atomic
def article_publish(*, article: Article, user, at=None) -> Article:
    """Publish `article` now, or at `at` (a scheduled article stays hidden until then)."""
    if not article.available_languages():
        raise ValidationError(
            _("“%(article)s” cannot be published: no language has both a headline and a body.")
            % {"article": article}
        )
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
