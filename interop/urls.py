from django.urls import path

from . import views

app_name = "interop"

urlpatterns = [
    path("export/", views.export_index, name="export_index"),
    path("export/modules/<int:page_id>/", views.export_module, name="export_module"),
    path("export/modules/<int:page_id>/download/", views.download_module, name="download_module"),
    path("export/programmes/<slug:slug>/", views.export_programme, name="export_programme"),
    path("export/programmes/<slug:slug>/download/", views.download_programme, name="download_programme"),
    path("discuss/<int:reading_id>/", views.discuss, name="discuss"),
    path("lti/jwks.json", views.lti_jwks, name="lti_jwks"),
    path("lti/login/", views.lti_login, name="lti_login"),
    path("lti/launch/", views.lti_launch, name="lti_launch"),
    path("lti/deep-link/", views.lti_deep_link, name="lti_deep_link"),
    path("lti/continue/<str:token>/", views.lti_continue, name="lti_continue"),
]
