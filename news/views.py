from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from committees.columns import (
    LINKED_BODY_FIELDS,
    PERSON_LINK_FIELDS,
    SESSION_LIST_FIELDS,
    columns,
    narrow,
    relation_exists,
)
from committees.models import Body, Person, Session
from committees.views import AvailableObjectMixin

from . import services, workflow
from .models import Article, ArticlePhoto, Rubric, Topic
from .pagination import AnchoredPaginator
from .signals import list_shown


class PublicArticlesMixin:
    """Owns the queryset of every public news view: published, due, in this language, with
    what a card shows."""

    def get_queryset(self):
        return Article.objects.public(get_language()).for_cards()


class ArticleListView(PublicArticlesMixin, ListView):
    paginate_by = settings.FCS_NEWS_PAGE_SIZE
    template_name = "news/article_list.html"
    context_object_name = "articles"
    # An anchor every this many pages: a page skips fewer rows than that.
    anchor_every = 10
    subject = None
    # Names the list's numbering when it is a part of the list its subject names.
    list_name = None

    def get(self, request, *args, **kwargs):
        list_shown.send(sender=Article, **self.list_subject())
        return super().get(request, *args, **kwargs)

    def list_subject(self) -> dict:
        return {"kind": "all", "pk": None}

    def paginate_queryset(self, queryset, page_size):
        # A page number in ASCII digits without leading zeros (or "last") only: int() also
        # reads "２", "+2", " 2" or "02", each another address (and page-cache entry) of a page.
        page = self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg) or "1"
        if page != "last" and not (page.isascii() and page.isdigit() and page[0] != "0"):
            raise Http404("Not a page number.")
        return super().paginate_queryset(queryset, page_size)

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kw):
        subject = self.list_subject()
        return AnchoredPaginator(
            queryset,
            per_page,
            list_key=f"{self.list_name or subject['kind']}:{subject['pk']}:{get_language()}",
            subject=(subject["kind"], subject["pk"]),
            anchor_every=self.anchor_every,
            allow_empty_first_page=allow_empty_first_page,
        )


class PressReleaseListView(ArticleListView):
    """The press releases: evicted when a press release enters or leaves them (or changes),
    not by every news item."""

    template_name = "news/press_release_list.html"
    list_name = "press-releases"

    def list_subject(self) -> dict:
        return {"kind": "kind", "pk": Article.Kind.PRESS_RELEASE.value}

    def get_queryset(self):
        return super().get_queryset().filter(kind=Article.Kind.PRESS_RELEASE)


class HomeView(PublicArticlesMixin, TemplateView):
    """The front page: the lead story and the latest news, the latest press releases, the
    WCO sessions now on or coming up. Every list is read only if the template shows it."""

    template_name = "news/home.html"
    press_release_count = 5
    session_count = 4

    def get_context_data(self, **kwargs):
        list_shown.send(sender=Article, kind="all", pk=None)
        list_shown.send(sender=Session, kind="sessions")
        language = get_language()
        articles = self.get_queryset()
        today = timezone.localdate()
        sessions = (
            Session.objects.available_in(language)
            .numbered()
            .filter(end_date__gte=today)
            .select_related("body")
            .order_by("start_date", "pk")
        )
        return super().get_context_data(
            articles=articles[: settings.FCS_HOME_NEWS_COUNT],
            press_releases=articles.filter(kind=Article.Kind.PRESS_RELEASE)[
                : self.press_release_count
            ],
            sessions=sessions[: self.session_count],
            today=today,
            **kwargs,
        )


class SubjectArticleListView(ArticleListView):
    """The articles of one rubric or topic (`subject_model`), found by its slug."""

    subject_model = None
    subject_filter = ""

    def get(self, request, *args, **kwargs):
        self.subject = get_object_or_404(self.subject_model, slug=self.kwargs["slug"])
        if not self.subject.name:
            # No name in this language: the rubric or topic is not shown in it (no fallback).
            raise Http404
        return super().get(request, *args, **kwargs)

    def list_subject(self) -> dict:
        return {"kind": self.subject_model._meta.model_name, "pk": self.subject.pk}

    def get_queryset(self):
        return super().get_queryset().filter(**{self.subject_filter: self.subject})

    def get_context_data(self, **kwargs):
        name = self.subject_model._meta.model_name
        return super().get_context_data(**{name: self.subject}, **kwargs)


class RubricArticleListView(SubjectArticleListView):
    template_name = "news/rubric_article_list.html"
    subject_model = Rubric
    subject_filter = "rubric"


class TopicArticleListView(SubjectArticleListView):
    template_name = "news/topic_article_list.html"
    subject_model = Topic
    subject_filter = "topics"


def known_empty(obj, relation: str) -> None:
    """Record that `obj` has no rows in `relation`, as prefetching would, without a query:
    `obj.<relation>.all()` is then empty at no cost."""
    manager = getattr(obj, relation)
    queryset = manager.all()
    queryset._result_cache = []
    queryset._prefetch_done = True
    name = getattr(manager, "prefetch_cache_name", None) or manager.field.remote_field.cache_name
    if not hasattr(obj, "_prefetched_objects_cache"):
        obj._prefetched_objects_cache = {}
    obj._prefetched_objects_cache[name] = queryset


class ArticleDetailView(AvailableObjectMixin, DetailView):
    """An article in the page's language; withdrawn "gone" articles answer 410."""

    template_name = "news/article_detail.html"
    unavailable_template = "news/article_unavailable.html"
    context_object_name = "article"

    # The relations the page shows besides the row: most articles have no gallery and few
    # links, so the row says which of them have any, and only those are read.
    RELATIONS = ("gallery_items", "topics", "bodies", "sessions", "people")

    def get_queryset(self):
        # Withdrawn articles keep their address (with a notice, or as 410 Gone) but are
        # never listed: this is the only view that looks past published().
        return (
            (Article.objects.published() | Article.objects.withdrawn())
            .select_related("rubric", "lead_photo")
            .without_search_columns()
            .annotate(**{f"has_{name}": relation_exists(Article, name) for name in self.RELATIONS})
        )

    @classmethod
    def prefetch_for_page(cls, article, language):
        """Everything the page shows, in a fixed number of queries whatever its size.

        Done only once the article is known to be shown (not for redirects and 404s); the
        renditions of the lead and gallery photos come in one query together. A relation
        the row says is empty (`has_<name>`, from `get_queryset`) is not read.
        """
        lookups = {
            "gallery_items": lambda: ArticlePhoto.objects.select_related("photo"),
            "topics": lambda: Topic.objects.all(),
            # The links name only what they show: the wide translated rows cost more to
            # compile and read than the rest of the page.
            "bodies": lambda: narrow(
                Body.objects.available_in(language), *columns(Body, LINKED_BODY_FIELDS)
            ),
            "sessions": lambda: narrow(
                Session.objects.available_in(language).select_related("body", "parent__body"),
                *columns(Session, SESSION_LIST_FIELDS),
                *columns(Body, LINKED_BODY_FIELDS, "body"),
                *columns(Session, SESSION_LIST_FIELDS, "parent"),
                *columns(Body, LINKED_BODY_FIELDS, "parent__body"),
            ),
            "people": lambda: narrow(
                Person.objects.available_in(language),
                *columns(Person, (*PERSON_LINK_FIELDS, "position")),
            ),
        }
        wanted, empty = [], []
        for name in cls.RELATIONS:
            if getattr(article, f"has_{name}", True):
                wanted.append(Prefetch(name, queryset=lookups[name]()))
            else:
                empty.append(name)
        if wanted:
            prefetch_related_objects([article], *wanted)
        for name in empty:
            known_empty(article, name)
        photos = article.photos()
        if photos:
            prefetch_related_objects(photos, "renditions")

    def page_data(self, article, language):
        """Everything the page shows besides the row, read into the article itself."""
        if not self.is_gone(article):
            self.prefetch_for_page(article, language)
        return {}

    @staticmethod
    def is_gone(article) -> bool:
        return article.is_withdrawn() and article.withdrawal_mode == Article.WithdrawalMode.GONE

    def refusal(self, article):
        if self.is_gone(article):
            return TemplateResponse(
                self.request,
                "news/article_gone.html",
                {"withdrawn_at": article.withdrawn_at},
                status=410,
            )
        return None

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except (Article.DoesNotExist, ValueError) as exc:
            raise Http404 from exc


def no_index(response):
    """Previews are for the people they were shared with: never indexed, never cached."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


class PreviewMixin:
    """Shows any article exactly as its public page will: same template, same base."""

    def preview_url(self, language: str) -> str:
        raise NotImplementedError

    def render_preview(self, request, article, **preview):
        language = get_language()
        alternates = {}
        for code in article.available_languages():
            with translation.override(code):
                alternates[code] = self.preview_url(code)
        if language not in alternates:
            response = TemplateResponse(
                request,
                "news/article_unavailable.html",
                {"article": article, "alternates": alternates},
                status=404,
            )
        else:
            ArticleDetailView.prefetch_for_page(article, language)
            response = TemplateResponse(
                request,
                "news/article_preview.html",
                {"article": article, "alternates": alternates, "preview": preview},
            )
        return no_index(response)


class StaffPreviewView(PreviewMixin, View):
    """The editorial staff's preview of any article, in any state."""

    def get(self, request, pk):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (request.user.is_staff and workflow.can_view(request.user)):
            raise PermissionDenied
        self.article = get_object_or_404(Article.objects.select_related("rubric"), pk=pk)
        return self.render_preview(
            request,
            self.article,
            staff=True,
            embargoed_until=self.article.published_at if self.article.is_scheduled() else None,
            public=self.article.is_public(),
        )

    def preview_url(self, language):
        return reverse("news:staff_preview", kwargs={"pk": self.article.pk})


class SharedPreviewView(PreviewMixin, View):
    """An unpublished article shown to whoever holds an unexpired, unrevoked link."""

    def get(self, request, token):
        self.token = token
        link = services.preview_link_for_token(token)
        if link is None:
            return no_index(
                TemplateResponse(
                    request, "news/preview_expired.html", {"unknown": True}, status=404
                )
            )
        article = link.article
        language = get_language()
        if article.is_public() and article.is_available_in(language):
            # The embargo is over: the public page is the one to share.
            return no_index(HttpResponseRedirect(article.get_absolute_url(language)))
        # A link shared before the article was withdrawn stops with the withdrawal (links
        # are revoked then too; this covers links from before that rule).
        pulled = article.withdrawn_at is not None and link.created_at <= article.withdrawn_at
        if not link.is_active() or pulled:
            return no_index(
                TemplateResponse(request, "news/preview_expired.html", {"link": link}, status=410)
            )
        return self.render_preview(
            request,
            article,
            staff=False,
            embargoed_until=article.published_at if article.is_scheduled() else None,
            expires_at=link.expires_at,
        )

    def preview_url(self, language):
        return reverse("news:shared_preview", kwargs={"token": self.token})
