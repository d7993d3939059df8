from django.urls import path

from . import views

app_name = "committees"

urlpatterns = [
    path("", views.BodyListView.as_view(), name="body_list"),
    path("sessions.ics", views.sessions_calendar, name="calendar"),
    path("people/<int:pk>-<slug:slug>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail_noslug"),
    path("<slug:slug>/", views.BodyDetailView.as_view(), name="body_detail"),
    path("<slug:slug>/sessions.ics", views.body_sessions_calendar, name="body_calendar"),
    path(
        "<slug:slug>/sessions/<int:number>/",
        views.SessionDetailView.as_view(),
        name="session_detail",
    ),
]
