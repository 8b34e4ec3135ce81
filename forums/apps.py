from django.apps import AppConfig


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = "Discussion"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from courses.extensions import register_reading_layer
        from courses.participation import register_post_counter

        from . import events
        from .integrations import cohort_reading_layer
        from .selectors import daily_post_counts

        register_post_counter(daily_post_counts)
        register_reading_layer(cohort_reading_layer)
        # Logging out ends live access: every tab's socket re-checks its session and closes.
        user_logged_out.connect(events.on_logged_out, dispatch_uid="forums-logout-revoke")
