"""Named reads for exports: what a package holds, in the chosen language, and what a person
may export. Readings come in bulk (a fixed number of queries, whatever their count)."""

from dataclasses import dataclass, field

from wagtail.models import Locale, Page

from accounts.models import User
from courses.models import Cohort, Course, CourseWeek, Enrolment
from courses.selectors import week_of_reading
from modules.models import CurriculumIndexPage, ModulePage, ReadingPage
from modules.selectors import in_language


@dataclass
class ExportReading:
    page: ReadingPage  # in the package's language where translated, else the English original
    original_id: int  # the default-locale page: the id discussion links and LTI targets use
    fallback: bool


@dataclass
class ExportSection:
    title: str
    readings: list[ExportReading]
    prompts: list[str] = field(default_factory=list)
    assignment: str = ""


@dataclass
class ExportTree:
    """What one package holds: a module (one section) or a programme (one section per week)."""

    kind: str  # "module" or "programme"
    slug: str
    title: str
    summary: str
    language: str
    sections: list[ExportSection]

    @property
    def readings(self) -> list[ExportReading]:
        return [reading for section in self.sections for reading in section.readings]


def _default_locale_page(page: Page) -> Page:
    default = Locale.get_default()
    if page.locale_id == default.pk:
        return page
    return page.get_translation_or_none(default) or page


def _in_language(originals: list[ReadingPage], language: str) -> list[tuple[ReadingPage, bool]]:
    """Each reading in `language` where a live translation exists, else the original, flagged
    as a fallback whenever it is not in `language` (one query)."""
    locale = Locale.objects.filter(language_code=language).first()
    translated: dict = {}
    if locale is not None:
        translated = {
            page.translation_key: page
            for page in ReadingPage.objects.filter(
                translation_key__in=[p.translation_key for p in originals], locale=locale
            )
            .live()
            .specific()
        }
    result = []
    for original in originals:
        page = translated.get(original.translation_key, original)
        result.append((page, locale is None or page.locale_id != locale.pk))
    return result


def module_tree(module: ModulePage, language: str) -> ExportTree:
    source = _default_locale_page(module)
    titled, _ = in_language(source, language)
    originals = list(ReadingPage.objects.child_of(source).live().specific())
    readings = [
        ExportReading(page=page, original_id=original.pk, fallback=fallback)
        for original, (page, fallback) in zip(originals, _in_language(originals, language), strict=True)
    ]
    return ExportTree(
        kind="module",
        slug=source.slug,
        title=titled.title,
        summary=titled.specific.summary,
        language=language,
        sections=[ExportSection(title=titled.title, readings=readings)],
    )


def programme_tree(course: Course, language: str) -> ExportTree:
    weeks = list(CourseWeek.objects.filter(course=course).order_by("sort_order"))
    ids = [pk for week in weeks for pk in week.reading_ids]
    originals = {page.pk: page for page in ReadingPage.objects.filter(pk__in=ids).live().specific()}
    localised = dict(zip(originals, _in_language(list(originals.values()), language), strict=True))
    sections = []
    for week in weeks:
        readings = []
        for pk in week.reading_ids:
            if pk not in localised:
                continue
            page, fallback = localised[pk]
            readings.append(ExportReading(page=page, original_id=pk, fallback=fallback))
        sections.append(
            ExportSection(
                title=week.title,
                readings=readings,
                prompts=[text for _, text in week.prompt_items],
                assignment=week.assignment,
            )
        )
    return ExportTree(
        kind="programme",
        slug=course.slug,
        title=course.title,
        summary=course.description,
        language=language,
        sections=sections,
    )


def exportable_modules() -> list[ModulePage]:
    """The curriculum's modules (default locale), in tree order: two queries."""
    default = Locale.get_default()
    index = CurriculumIndexPage.objects.filter(locale=default).first()
    if index is None:
        return []
    return list(ModulePage.objects.child_of(index).live().order_by("path"))


def exportable_programmes() -> list[Course]:
    return list(Course.objects.order_by("title"))


def module_by_id(page_id: int) -> ModulePage | None:
    return ModulePage.objects.live().filter(pk=page_id).first()


def discussion_cohort(user: User, reading_id: int) -> tuple[Cohort, int] | None:
    """The cohort (and week) where `user` discusses this reading: a running one first."""
    enrolments = (
        Enrolment.objects.filter(user=user, status__in=Enrolment.PARTICIPATING)
        .select_related("cohort")
        .order_by("-cohort__start_date")
    )
    cohorts = [e.cohort for e in enrolments]
    cohorts.sort(key=lambda c: c.current_state != Cohort.State.RUNNING)
    for cohort in cohorts:
        week = week_of_reading(cohort, reading_id)
        if week is not None:
            return cohort, week
    return None


def curriculum_outline() -> list[tuple[ModulePage, list[ReadingPage]]]:
    """Every module with its readings (default locale), for the deep-linking picker: three queries."""
    modules = exportable_modules()
    if not modules:
        return []
    depth = modules[0].depth + 1
    prefix = modules[0].path[: -ModulePage.steplen]
    readings: dict[str, list[ReadingPage]] = {}
    for page in ReadingPage.objects.live().filter(path__startswith=prefix, depth=depth).order_by("path"):
        readings.setdefault(page.path[: -ReadingPage.steplen], []).append(page)
    return [(module, readings.get(module.path, [])) for module in modules]


def pages_by_ids(ids: list[int]) -> list[Page]:
    """Live modules and readings among `ids`, in the order given."""
    found = {
        page.pk: page
        for page in Page.objects.live().filter(pk__in=ids).type(ModulePage, ReadingPage).specific()
    }
    return [found[pk] for pk in ids if pk in found]
