from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wagtail.models import Page

from . import selectors
from .models import CaseDigest, GlossaryTerm, LegalInstrument, TranslationRequest


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
            "cases": selectors.cases_citing(instrument),
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
        {
            "case": case,
            "instruments": selectors.in_locale(case.instruments.all(), case.locale),
            "cited_by": selectors.readings_citing(case),
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    results = selectors.search_curriculum(query)
    page = Paginator(results, 20).get_page(request.GET.get("page"))
    return render(request, "modules/search.html", {"query": query, "results": page})


@login_required
@require_POST
def translation_request(request: HttpRequest, page_id: int) -> HttpResponse:
    """A reader asks for this reading in a language; repeated asks by one reader count once."""
    page = get_object_or_404(Page.objects.live(), pk=page_id)
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("Unknown language."))
    else:
        TranslationRequest.objects.get_or_create(page=page, language=language, requested_by=request.user)
        messages.success(request, _("Thank you: the editors will see your request."))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = page.url
    return redirect(next_url)
