from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("security/required/", views.mfa_required, name="mfa_required"),
    path("data/", views.data, name="data"),
    path("data/export/", views.data_export, name="data_export"),
    path("delete/", views.delete, name="delete"),
    path("sessions/<int:pk>/end/", views.session_end, name="session_end"),
]
