from django.urls import path

from . import views

app_name = "alumni"

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
    # Room URLs keep forums' shape (…/room/, …/room/threads/<id>/, …/room/posts/<id>/<action>/)
    # so forums' room scripts work here unchanged.
    path("<slug:key>/room/", views.room, name="room"),
    path("<slug:key>/room/threads/new/", views.thread_create, name="thread_create"),
    path("<slug:key>/room/threads/<int:thread_id>/", views.thread_detail, name="thread"),
    path("<slug:key>/room/threads/<int:thread_id>/post/", views.post_create, name="post_create"),
    path("<slug:key>/room/threads/<int:thread_id>/state/", views.thread_state, name="thread_state"),
    path("<slug:key>/room/posts/<int:post_id>/<slug:action>/", views.post_action, name="post_action"),
    path("<slug:key>/room/moderation/", views.moderation, name="moderation"),
]
