from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .models import CaseDigest, GlossaryTerm, LegalInstrument


def glossary(request: HttpRequest) -> HttpResponse:
    terms = selectors.snippets_in_locale(GlossaryTerm).order_by("term")
    return render(request, "modules/glossary.html", {"terms": terms})


def term_detail(request: HttpRequest, slug: str) -> HttpResponse:
    term = selectors.term_by_slug(slug)
    return render(
        request,
        "modules/term_detail.html",
        {"term": term, "cited_by": selectors.readings_citing(term)},
    )


def instruments(request: HttpRequest) -> HttpResponse:
    items = selectors.snippets_in_locale(LegalInstrument).order_by("year", "title")
    return render(request, "modules/instruments.html", {"instruments": items})


def instrument_detail(request: HttpRequest, slug: str) -> HttpResponse:
    instrument = selectors.instrument_by_slug(slug)
    return render(
        request,
        "modules/instrument_detail.html",
        {
            "instrument": instrument,
            "cited_by": selectors.readings_citing(instrument),
            "cases": instrument.cases.all(),
        },
    )


def cases(request: HttpRequest) -> HttpResponse:
    items = selectors.snippets_in_locale(CaseDigest)
    return render(request, "modules/cases.html", {"cases": items})


def case_detail(request: HttpRequest, slug: str) -> HttpResponse:
    case = selectors.case_by_slug(slug)
    return render(
        request,
        "modules/case_detail.html",
        {"case": case, "cited_by": selectors.readings_citing(case)},
    )


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    results = selectors.search_curriculum(query)
    page = Paginator(results, 20).get_page(request.GET.get("page"))
    return render(request, "modules/search.html", {"query": query, "results": page})
