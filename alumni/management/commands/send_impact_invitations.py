from django.core.management.base import BaseCommand

from alumni.services import impact_invitations_send


class Command(BaseCommand):
    help = (
        "Invite alumni to the impact follow-up survey three and six months after their cohort ended. "
        "Run daily; each alumnus is invited once per wave."
    )

    def handle(self, *args, **options) -> None:
        sent = impact_invitations_send()
        self.stdout.write(f"{sent} impact survey invitations sent.")
