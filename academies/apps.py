from django.apps import AppConfig


class AcademiesConfig(AppConfig):
    name = "academies"
    verbose_name = "Institutions and national programmes"

    def ready(self) -> None:
        from courses import extensions

        from .services import application_refusal

        # Cohorts that take applications only from nominated officials (CohortSettings).
        extensions.register_application_gate(application_refusal)
