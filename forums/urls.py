from django.urls import path

from . import views

app_name = "forums"

urlpatterns = [
    path("cohorts/<slug:cohort_slug>/room/", views.cohort_room, name="room"),
]
