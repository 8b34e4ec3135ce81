from django.core.management.base import BaseCommand

from wagtail.models import Locale

from academies.demo import load_demo_academy
from accounts.demo import DEMO_ACCOUNTS, demo_mfa_notice, load_demo_accounts
from alumni.demo import load_demo_alumni
from courses.demo import COHORT_A_CODE, load_demo_cohorts
from forums.demo import load_demo_discussion
from modules.demo import load_curriculum, load_translations
from modules.editorial import ensure_editorial_setup
from modules.models import CurriculumIndexPage


class Command(BaseCommand):
    help = "Load the demo curriculum and demo accounts. Safe to run again: nothing loads twice."

    def handle(self, *args, **options) -> None:
        report = load_curriculum()
        translated = load_translations()
        curriculum = CurriculumIndexPage.objects.get(locale=Locale.get_default())
        editors, _reviewers, _workflow = ensure_editorial_setup(curriculum)
        load_demo_accounts(editors_group=editors)
        if report.created:
            summary = ", ".join(f"{n} {kind}" for kind, n in sorted(report.created.items()))
            self.stdout.write(self.style.SUCCESS(f"Demo content created: {summary}."))
        else:
            self.stdout.write("Demo content already loaded; nothing created.")
        if translated.created:
            summary = ", ".join(f"{n} {kind}" for kind, n in sorted(translated.created.items()))
            self.stdout.write(f"Translations created: {summary}.")
        self.stdout.write(f"{len(DEMO_ACCOUNTS)} demo accounts ready.")
        self.stdout.write(demo_mfa_notice())
        cohorts = load_demo_cohorts()
        self.stdout.write(
            f"{len(cohorts)} demo cohorts dated from today; cohort A's code is {COHORT_A_CODE}."
        )
        posts = load_demo_discussion()
        if posts:
            self.stdout.write(f"Demo discussion: {posts} posts in cohort A's room and readings.")
        alumni_posts = load_demo_alumni()
        if alumni_posts:
            self.stdout.write(
                f"Demo alumni community: {alumni_posts} posts, profiles and one update per theme."
            )
        academy = load_demo_academy()
        if academy:
            self.stdout.write(
                f"Demo institution: {academy.institution.name}, its section, a local unit, "
                f"an adapted reading and the programme “{academy.programme.title}”."
            )
