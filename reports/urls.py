from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tables/<slug:key>.csv", views.table_csv, name="table_csv"),
    path("records/<slug:kind>/", views.records, name="records"),
    path("records/<slug:kind>.csv", views.records_csv, name="records_csv"),
    path("print/", views.print_period, name="print_period"),
    path("cohorts/<int:pk>/print/", views.print_cohort, name="print_cohort"),
]
