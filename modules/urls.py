from django.urls import path

from . import views

app_name = "modules"

urlpatterns = [
    path("glossary/", views.glossary, name="glossary"),
    path("glossary/<slug:slug>/", views.term_detail, name="term"),
    path("instruments/", views.instruments, name="instruments"),
    path("instruments/<slug:slug>/", views.instrument_detail, name="instrument"),
    path("cases/", views.cases, name="cases"),
    path("cases/<slug:slug>/", views.case_detail, name="case"),
    path("search/", views.search, name="search"),
    path("translation-requests/<int:page_id>/", views.translation_request, name="translation_request"),
]
