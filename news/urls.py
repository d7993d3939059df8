from django.urls import path

from . import views

app_name = "news"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="article_list"),
    path("press-releases/", views.PressReleaseListView.as_view(), name="press_releases"),
    path("<int:pk>-<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("<int:pk>/", views.ArticleDetailView.as_view(), name="article_detail_noslug"),
    path("rubrics/<slug:slug>/", views.RubricArticleListView.as_view(), name="rubric"),
    path("topics/<slug:slug>/", views.TopicArticleListView.as_view(), name="topic"),
    path("preview/<int:pk>/", views.StaffPreviewView.as_view(), name="staff_preview"),
    path("preview/shared/<slug:token>/", views.SharedPreviewView.as_view(), name="shared_preview"),
]
