"""The emails themselves: HTML and plain text from templates, in the address's language,
with the signed links to its preferences and the one-click unsubscribe (RFC 8058)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from committees.addresses import reverse_in

from . import tokens


def absolute(path: str) -> str:
    return f"{settings.FCS_SITE_URL}{path}"


def one_line(text: str) -> str:
    """A header value: no line breaks (they would start a header of their own), no runs of
    blanks."""
    return " ".join((text or "").split())


def site_domain() -> str:
    return urlsplit(settings.FCS_SITE_URL).hostname or "localhost"


def links(subscriber, language: str) -> dict:
    token = tokens.manage_token(subscriber)
    return {
        "manage_url": absolute(reverse_in("alerts:manage", language, token=token)),
        "unsubscribe_url": absolute(reverse_in("alerts:unsubscribe", language, token=token)),
    }


def list_headers(unsubscribe_url: str) -> dict:
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"<alerts.{site_domain()}>",
    }


def article_item(article, language: str, *, update: bool = False) -> dict:
    """What an email shows of an article, in `language` (no fallback: it is public there);
    for an update, also when it was updated and the editors' note on what changed."""
    return {
        "title": one_line(getattr(article, f"title_{language}")),
        "lead": getattr(article, f"lead_{language}") or "",
        "url": absolute(article.get_absolute_url(language)),
        "published_at": article.published_at,
        "kind": article.get_kind_display(),
        "updated_at": article.major_updated_at if update else None,
        "update_note": (getattr(article, f"update_note_{language}", "") or "") if update else "",
    }


def _message(*, subject, template, context, subscriber, headers) -> EmailMultiAlternatives:
    text = render_to_string(f"alerts/email/{template}.txt", context)
    html = render_to_string(f"alerts/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=one_line(subject), body=text, to=[subscriber.email], headers=headers
    )
    message.attach_alternative(html, "text/html")
    return message


# Rendered once per article and language with these in place of the address's own links,
# which are then put in per address (they are URL-safe: letters, digits, - _ :).
MANAGE_PLACEHOLDER = "alerts-manage-url-placeholder"
UNSUBSCRIBE_PLACEHOLDER = "alerts-unsubscribe-url-placeholder"


class ArticleEmail:
    """An article's email in one language, rendered once; `message()` makes each address's."""

    def __init__(self, article, language: str, edition: int = 0):
        self.article = article
        self.language = language
        self.edition = edition
        with translation.override(language):
            context = {
                "article": article_item(article, language, update=edition > 0),
                "site_name": str(settings.FCS_SITE_NAME),
                "manage_url": MANAGE_PLACEHOLDER,
                "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
            }
            self.subject = context["article"]["title"]
            if edition:
                self.subject = one_line(_("Updated: %(title)s") % {"title": self.subject})
            self.text = render_to_string("alerts/email/article.txt", context)
            self.html = render_to_string("alerts/email/article.html", context)

    def message(self, subscriber) -> EmailMultiAlternatives:
        urls = links(subscriber, self.language)

        def fill(body: str) -> str:
            return body.replace(MANAGE_PLACEHOLDER, urls["manage_url"]).replace(
                UNSUBSCRIBE_PLACEHOLDER, urls["unsubscribe_url"]
            )

        edition = f".{self.edition}" if self.edition else ""
        headers = {
            **list_headers(urls["unsubscribe_url"]),
            # The same for every attempt, so a mail system can drop a copy sent twice.
            "Message-ID": f"<alert-{self.article.pk}{edition}-{subscriber.pk}@{site_domain()}>",
        }
        message = EmailMultiAlternatives(
            subject=self.subject, body=fill(self.text), to=[subscriber.email], headers=headers
        )
        message.attach_alternative(fill(self.html), "text/html")
        return message


def article_message(*, article, subscriber, language: str, edition=0) -> EmailMultiAlternatives:
    return ArticleEmail(article, language, edition).message(subscriber)


def digest_message(
    *, articles, subscriber, language: str, day, updated=frozenset()
) -> EmailMultiAlternatives:
    """One email with `articles`; those whose pk is in `updated` shown as updated."""
    with translation.override(language):
        context = {
            "articles": [
                article_item(article, language, update=article.pk in updated)
                for article in articles
            ],
            "day": day,
            "site_name": str(settings.FCS_SITE_NAME),
            **links(subscriber, language),
        }
        first = min(article.pk for article in articles)
        headers = {
            **list_headers(context["unsubscribe_url"]),
            "Message-ID": (
                f"<digest-{day:%Y%m%d}-{first}-{len(articles)}-{subscriber.pk}@{site_domain()}>"
            ),
        }
        subject = _("%(site)s: news of the day") % {"site": context["site_name"]}
        return _message(
            subject=subject,
            template="digest",
            context=context,
            subscriber=subscriber,
            headers=headers,
        )


def confirmation_message(
    *, subscriber, token: str, request: tokens.Request, target
) -> EmailMultiAlternatives:
    from .models import Subscription

    language = request.language
    with translation.override(language):
        context = {
            "confirm_url": absolute(reverse_in("alerts:confirm", language, token=token)),
            "hours": settings.FCS_ALERTS_CONFIRM_HOURS,
            "site_name": str(settings.FCS_SITE_NAME),
            "what": str(target) if target is not None else Subscription.Kind(request.kind).label,
            "frequency": Subscription.Frequency(request.frequency).label,
        }
        subject = _("Confirm your subscription to %(site)s news") % {"site": context["site_name"]}
        return _message(
            subject=subject,
            template="confirm",
            context=context,
            subscriber=subscriber,
            headers={},
        )
