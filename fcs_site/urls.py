from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from news.views import HomeView

from . import views

admin.site.site_header = settings.FCS_SITE_NAME
admin.site.site_title = settings.FCS_SITE_NAME

handler500 = "fcs_site.views.server_error"

urlpatterns = [
    path("i18n/switch/<str:language>/", views.switch_language, name="switch_language"),
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", HomeView.as_view(), name="home"),
    path("news/", include("news.urls")),
    prefix_default_language=True,
)
