"""Who may take which step of the editorial workflow.

The services in news/services.py enforce these rules; the admin uses the same functions
to decide which buttons to show. Roles are groups holding permissions (see the
0006_editorial_roles migration): an Author writes and submits their own drafts; an
Editor also reviews, publishes, schedules, withdraws and edits anyone's article; an
Administrator also deletes, restores deleted articles and manages accounts.

An Author edits their own article only while it is a draft. Once submitted, the text is
frozen so that the reviewer approves exactly what they read; the Author can take it back
to draft to change it, and the Editor can send it back with a note. An Editor who changes
the text or the time of a scheduled article sends it back to review (services.article_save):
the schedule was approved for that text at that time.
"""

from .models import Article, ArticleEvent

Status = Article.Status


def can_view(user) -> bool:
    return user.is_active and user.has_perm("news.view_article")


def can_edit(user, article: Article | None = None) -> bool:
    if not (user.is_active and user.has_perm("news.change_article")):
        return False
    if article is None or article.pk is None or user.has_perm("news.change_any_article"):
        return True
    return article.status == Status.DRAFT and article.created_by_id == user.pk


def can_submit(user, article: Article) -> bool:
    return article.status == Status.DRAFT and can_edit(user, article)


def can_recall(user, article: Article) -> bool:
    return (
        article.status == Status.IN_REVIEW
        and user.has_perm("news.change_article")
        and user.pk in {article.submitted_by_id, article.created_by_id}
    )


def can_request_changes(user, article: Article) -> bool:
    return article.status == Status.IN_REVIEW and user.has_perm("news.review_article")


def can_publish(user, article: Article) -> bool:
    """Publish now or at a time: from draft, review or withdrawal, or reschedule."""
    if not user.has_perm("news.publish_article"):
        return False
    return article.status in {Status.DRAFT, Status.IN_REVIEW, Status.WITHDRAWN} or (
        article.is_scheduled()
    )


def can_unpublish(user, article: Article) -> bool:
    return article.status != Status.DRAFT and user.has_perm("news.publish_article")


def can_withdraw(user, article: Article) -> bool:
    return article.is_public() and user.has_perm("news.withdraw_article")


def can_share_preview(user, article: Article | None = None) -> bool:
    return user.has_perm("news.preview_article")


def authors_of_current_text(article: Article) -> set[int]:
    """Ids of the people who wrote, changed or submitted the text since it was last published.

    Publishing needs someone outside this set, or a recorded reason.
    """
    events = ArticleEvent.objects.filter(article=article)
    last_publication = (
        events.filter(action__in=[ArticleEvent.Action.PUBLISHED, ArticleEvent.Action.SCHEDULED])
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    writers = events.filter(
        action__in=[
            ArticleEvent.Action.CREATED,
            ArticleEvent.Action.EDITED,
            ArticleEvent.Action.SUBMITTED,
            ArticleEvent.Action.RESTORED,
        ],
        user__isnull=False,
    )
    if last_publication:
        writers = writers.filter(id__gt=last_publication)
    authors = set(writers.values_list("user_id", flat=True))
    if last_publication is None and article.created_by_id:
        authors.add(article.created_by_id)
    return authors
