from django.urls import path

from forums import views as forum_views

from . import views

app_name = "alumni"
ROOM = {"room_type": views.AlumniRoomContext}

urlpatterns = [
    path("", views.home, name="home"),
    path("updates/", views.updates, name="updates"),
    path("updates/new/", views.update_new, name="update_new"),
    path("updates/<int:update_id>/", views.update_detail, name="update"),
    path("settings/", views.settings_view, name="settings"),
    path("directory/", views.directory, name="directory"),
    path("directory/me/", views.my_profile, name="my_profile"),
    path("directory/<int:profile_id>/", views.profile_detail, name="profile"),
    path("directory/<int:profile_id>/contact/", views.contact_request, name="contact_request"),
    path("contacts/", views.contacts, name="contacts"),
    path("contacts/<int:request_id>/", views.contact_decide, name="contact_decide"),
    path("impact/<int:enrolment_id>/<int:wave>/", views.impact, name="impact"),
    path("cohorts/<slug:slug>/", views.cohort_setting, name="cohort"),
    # The rooms are forums' room views, told by `room_type` how to find an alumni room and address
    # it; the URLs keep forums' shape (…/room/, …/room/threads/<id>/, …/room/posts/<id>/<action>/).
    path("<slug:key>/room/", forum_views.room, ROOM, name="room"),
    path("<slug:key>/room/threads/new/", forum_views.thread_create, ROOM, name="thread_create"),
    path("<slug:key>/room/threads/<int:thread_id>/", forum_views.thread_detail, ROOM, name="thread"),
    path("<slug:key>/room/threads/<int:thread_id>/post/", forum_views.post_create, ROOM, name="post_create"),
    path(
        "<slug:key>/room/threads/<int:thread_id>/state/", forum_views.thread_state, ROOM, name="thread_state"
    ),
    path(
        "<slug:key>/room/posts/<int:post_id>/<slug:action>/",
        forum_views.post_action,
        ROOM,
        name="post_action",
    ),
    path("<slug:key>/room/moderation/", forum_views.moderation, ROOM, name="moderation"),
]
