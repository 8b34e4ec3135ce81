import time

from allauth.mfa import app_settings

from django.core.management.base import BaseCommand

from accounts.demo import demo_totp_code


class Command(BaseCommand):
    help = "Print the current two-factor code of the demo accounts (DEMO_TOTP_SECRET). Local demo only."

    def handle(self, *args, **options) -> None:
        left = app_settings.TOTP_PERIOD - int(time.time()) % app_settings.TOTP_PERIOD
        self.stdout.write(f"{demo_totp_code()}  (valid for about {left} more seconds)")
