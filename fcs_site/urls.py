from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from news.views import HomeView

from . import views
from .bench import views as bench_views

admin.site.site_header = settings.FCS_SITE_NAME
admin.site.site_title = settings.FCS_SITE_NAME

urlpatterns = [
    path("i18n/switch/<str:language>/", views.switch_language, name="switch_language"),
    path("admin/", admin.site.urls),
    # The benchmark's bare-Django limit; answers 404 unless FCS_BENCH_ENDPOINTS is on.
    path("bench/bare/<int:size>/", bench_views.bare_page, name="bench_bare"),
]

urlpatterns += i18n_patterns(
    path("", HomeView.as_view(), name="home"),
    path("news/", include("news.urls")),
    prefix_default_language=True,
)
