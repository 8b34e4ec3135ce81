from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("cohorts/", views.my_courses, name="my_courses"),
    path("cohorts/join/", views.join, name="join"),
    path("cohorts/open/", views.open_cohorts, name="open_cohorts"),
    path("cohorts/about-you/", views.profile_answers, name="profile_answers"),
    path("cohorts/<slug:slug>/", views.dashboard, name="dashboard"),
    path("cohorts/<slug:slug>/apply/", views.apply, name="apply"),
    path("cohorts/<slug:slug>/weeks/<int:number>/", views.week, name="week"),
    path("cohorts/<slug:slug>/readings/<int:reading_id>/", views.reading, name="reading"),
    path("cohorts/<slug:slug>/readings/<int:reading_id>/done/", views.reading_done, name="reading_done"),
    path("cohorts/<slug:slug>/complete/", views.complete_self, name="complete_self"),
    path("cohorts/<slug:slug>/feedback/", views.feedback, name="feedback"),
    path("cohorts/<slug:slug>/roster/", views.roster, name="roster"),
    path("cohorts/<slug:slug>/roster/<int:enrolment_id>/nudge/", views.nudge, name="nudge"),
    path("cohorts/<slug:slug>/roster/<int:enrolment_id>/completion/", views.completion, name="completion"),
    path("cohorts/<slug:slug>/applications/", views.applications, name="applications"),
    path("cohorts/<slug:slug>/applications/<int:enrolment_id>/", views.decide, name="decide"),
    path("cohorts/<slug:slug>/invitations/", views.invitations, name="invitations"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("certificates/<str:code>/", views.certificate, name="certificate"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
]
