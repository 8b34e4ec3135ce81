from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Results reporting"

    def ready(self) -> None:
        from .impact import AlumniImpactSource
        from .sources import register_impact_source

        # The alumni follow-up surveys reach the dashboard through the same registry any
        # later source would use (reports/sources.py).
        register_impact_source(AlumniImpactSource())
