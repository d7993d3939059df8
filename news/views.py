from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.views.generic import DetailView, ListView

from .models import Article, Rubric, Topic


class PublicArticlesMixin:
    """Owns the queryset of every public news view: published, due, in this language."""

    def get_queryset(self):
        return Article.objects.public(get_language()).select_related("rubric").with_lead_photo()


class ArticleListView(PublicArticlesMixin, ListView):
    paginate_by = settings.FCS_NEWS_PAGE_SIZE
    template_name = "news/article_list.html"
    context_object_name = "articles"


class HomeView(PublicArticlesMixin, ListView):
    template_name = "news/home.html"
    context_object_name = "articles"

    def get_queryset(self):
        return super().get_queryset()[: settings.FCS_HOME_NEWS_COUNT]


class RubricArticleListView(ArticleListView):
    template_name = "news/rubric_article_list.html"

    def get_queryset(self):
        self.rubric = get_object_or_404(Rubric, slug=self.kwargs["slug"])
        return super().get_queryset().filter(rubric=self.rubric)

    def get_context_data(self, **kwargs):
        return super().get_context_data(rubric=self.rubric, **kwargs)


class TopicArticleListView(ArticleListView):
    template_name = "news/topic_article_list.html"

    def get_queryset(self):
        self.topic = get_object_or_404(Topic, slug=self.kwargs["slug"])
        return super().get_queryset().filter(topics=self.topic)

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)


class ArticleDetailView(DetailView):
    template_name = "news/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().select_related("rubric").with_lead_photo().with_gallery()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        article = self.object
        language = get_language()
        alternates = {
            code: article.get_absolute_url(code) for code in article.available_languages()
        }
        if language not in alternates:
            return TemplateResponse(
                request,
                "news/article_unavailable.html",
                {"article": article, "alternates": alternates},
                status=404,
            )
        canonical = alternates[language]
        if request.path != canonical:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{canonical}?{query}" if query else canonical)
        context = self.get_context_data(object=article, alternates=alternates)
        return self.render_to_response(context)

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except (Article.DoesNotExist, ValueError) as exc:
            raise Http404 from exc
