from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from news.views import HomeView

from . import feeds, opendata_views, search_views, sitemaps, views
from .bench import views as bench_views

admin.site.site_header = settings.FCS_SITE_NAME
admin.site.site_title = settings.FCS_SITE_NAME

handler500 = "fcs_site.views.server_error"

urlpatterns = [
    path("i18n/switch/<str:language>/", views.switch_language, name="switch_language"),
    path("admin/", admin.site.urls),
    path("favicon.ico", views.favicon, name="favicon"),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap_section, name="sitemap_section"),
    # The benchmark's bare-Django limit; answers 404 unless FCS_BENCH_ENDPOINTS is on.
    path("bench/bare/<int:size>/", bench_views.bare_page, name="bench_bare"),
]

if not settings.MEDIA_URL.startswith(("http://", "https://", "//")):
    urlpatterns += [
        path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", views.serve_media, name="media")
    ]

urlpatterns += i18n_patterns(
    path("", HomeView.as_view(), name="home"),
    path("news/", include("news.urls")),
    path("search/", search_views.search_view, name="search"),
    path("contacts/", TemplateView.as_view(template_name="contacts.html"), name="contacts"),
    path("feeds/", include(feeds)),
    path("opendata/", include(opendata_views)),
    path("committees/", include("committees.urls")),
    path("alerts/", include("alerts.urls")),
    path("a11y/", include("fcs_site.accessibility.urls")),
    prefix_default_language=True,
)
