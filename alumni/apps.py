from django.apps import AppConfig


class AlumniConfig(AppConfig):
    name = "alumni"
    verbose_name = "Alumni community"

    def ready(self) -> None:
        from forums.policies import register_alumni_access

        from .policies import alumni_space_access

        # forums asks here who may read, post and moderate in alumni spaces.
        register_alumni_access(alumni_space_access)
