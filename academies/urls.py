from django.urls import path

from . import views

app_name = "academies"

urlpatterns = [
    path("", views.index, name="index"),
    path("institutions/<int:pk>/", views.institution, name="institution"),
    path("institutions/<int:pk>/people/", views.people, name="people"),
    path("institutions/<int:pk>/trainers/", views.trainers, name="trainers"),
    path("institutions/<int:pk>/programmes/new/", views.programme_new, name="programme_new"),
    path("institutions/<int:pk>/programmes/<slug:slug>/", views.programme_detail, name="programme"),
    path("institutions/<int:pk>/programmes/<slug:slug>/edit/", views.programme_edit, name="programme_edit"),
    path(
        "institutions/<int:pk>/programmes/<slug:slug>/units/<int:unit_id>/",
        views.programme_unit,
        name="programme_unit",
    ),
    path("cohorts/<slug:slug>/nominations/", views.nominations, name="nominations"),
    path(
        "cohorts/<slug:slug>/nominations/<int:pk>/decide/", views.nomination_decide, name="nomination_decide"
    ),
    path(
        "cohorts/<slug:slug>/nominations/<int:pk>/withdraw/",
        views.nomination_withdraw,
        name="nomination_withdraw",
    ),
    path("cohorts/<slug:slug>/settings/", views.cohort_settings, name="cohort_settings"),
    path("readings/adapt/", views.adapt_choose, name="adapt_choose"),
    path("readings/<int:reading_id>/adapt/", views.adapt, name="adapt"),
    path("adaptations/<int:page_id>/", views.adaptation_review, name="adaptation"),
]
