from django.urls import path

from . import views

app_name = "forums"

urlpatterns = [
    path("cohorts/<slug:cohort_slug>/room/", views.room, name="room"),
    path("cohorts/<slug:cohort_slug>/room/threads/new/", views.thread_create, name="thread_create"),
    path("cohorts/<slug:cohort_slug>/room/threads/<int:thread_id>/", views.thread_detail, name="thread"),
    path(
        "cohorts/<slug:cohort_slug>/room/threads/<int:thread_id>/post/", views.post_create, name="post_create"
    ),
    path(
        "cohorts/<slug:cohort_slug>/room/threads/<int:thread_id>/state/",
        views.thread_state,
        name="thread_state",
    ),
    path(
        "cohorts/<slug:cohort_slug>/room/posts/<int:post_id>/<slug:action>/",
        views.post_action,
        name="post_action",
    ),
    path("cohorts/<slug:cohort_slug>/room/moderation/", views.moderation, name="moderation"),
    path(
        "cohorts/<slug:cohort_slug>/readings/<int:reading_id>/passages/<str:block_id>/comment/",
        views.passage_post,
        name="passage_post",
    ),
    path(
        "cohorts/<slug:cohort_slug>/readings/<int:reading_id>/passages/<str:block_id>/seed/",
        views.seed_question,
        name="seed_question",
    ),
]
