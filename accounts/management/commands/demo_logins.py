"""Print the demo sign-ins (`make run` shows them every time it starts)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.models import User


class Command(BaseCommand):
    help = "List the demo staff accounts and their shared demo password."

    def handle(self, *args, **options):
        users = list(
            User.objects.filter(is_active=True)
            .select_related("team__provider")
            .prefetch_related("courts")
            .order_by("role", "username")
        )
        if not users:
            self.stdout.write("No staff accounts yet: run `python manage.py seed_demo`.")
            return
        self.stdout.write("")
        self.stdout.write(f"Demo sign-ins (the demo data gives every account the password {settings.DEMO_PASSWORD})")
        self.stdout.write(f"  {'username':<22} {'role':<42} team")
        for user in users:
            team = f"{user.team.name}, {user.team.provider.name}" if user.team_id else "-"
            if user.role == User.Role.COURT_USER:
                team = "Courts: " + ", ".join(court.name for court in user.courts.all())
            role = user.role_label + (" (superuser)" if user.is_superuser else "")
            self.stdout.write(f"  {user.username:<22} {role:<42} {team}")
        self.stdout.write("")
