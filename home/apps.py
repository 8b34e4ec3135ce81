from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Home"

    def ready(self) -> None:
        from . import pagecache

        pagecache.connect_receivers()
