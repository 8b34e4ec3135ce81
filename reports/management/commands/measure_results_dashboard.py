"""Time the results dashboard against the home page, as a ratio, on the current database.

    manage.py generate_results_data                # 100 cohorts × 150 trainees
    manage.py measure_results_dashboard            # median of 7 renders each, after a warm-up

Both pages are requested through Django's full middleware stack (the test client, no
network), signed in as the same programme manager, so the ratio compares the work the
two views do. The query counts are printed too.
"""

import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User


class Command(BaseCommand):
    help = "Median render time of the results dashboard ÷ the home page's (with query counts)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--runs", type=int, default=7)
        parser.add_argument("--email", default="", help="A programme manager (default: the first superuser).")
        parser.add_argument("--language", default="en")

    def _time(self, client: Client, url: str, runs: int) -> tuple[float, int, int]:
        response = client.get(url)  # warm-up: template and content-type caches
        if response.status_code != 200:
            where = response.get("Location", "")
            raise CommandError(
                f"{url} answered {response.status_code} {where}: does the user need two-factor set-up? "
                "Run load_demo (it sets up the demo accounts) or pass --email."
            )
        samples = []
        for _n in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                samples.append(time.perf_counter() - started)
        return statistics.median(samples), len(queries), len(response.content)

    def handle(self, *args, runs: int, email: str, language: str, **options) -> None:
        users = User.objects.filter(email=email) if email else User.objects.filter(is_superuser=True)
        user = users.order_by("pk").first()
        if user is None:
            raise CommandError("No programme manager to sign in as: run load_demo, or pass --email.")
        host = (settings.ALLOWED_HOSTS or ["127.0.0.1"])[0].lstrip(".").replace("*", "") or "127.0.0.1"
        client = Client(HTTP_HOST=host)
        client.force_login(user)
        home, home_queries, home_size = self._time(client, f"/{language}/", runs)
        board, board_queries, board_size = self._time(client, f"/{language}/reports/", runs)
        self.stdout.write(
            f"home page:         {home * 1000:8.1f} ms  {home_queries:3d} queries  {home_size:8d} bytes"
        )
        self.stdout.write(
            f"results dashboard: {board * 1000:8.1f} ms  {board_queries:3d} queries  {board_size:8d} bytes"
        )
        self.stdout.write(self.style.SUCCESS(f"ratio dashboard / home: {board / home:.1f}"))
