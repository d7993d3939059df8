from django.urls import path

from . import views

app_name = "a11y"

urlpatterns = [
    path("set/", views.set_profile, name="set"),
]
