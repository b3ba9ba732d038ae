"""Tokens made before every token had to expire (issue #13, 5.2) get the policy's lifetime,
counted from this migration, so none stays valid for ever and none stops working at once."""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone


def give_lifetime(apps, schema_editor):
    from privacydesk.policy.active import get_policy

    days = get_policy().staff_accounts.token_days
    ApiToken = apps.get_model("staff", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True, revoked_at__isnull=True).update(
        expires_at=timezone.now() + timedelta(days=days))


class Migration(migrations.Migration):

    dependencies = [
        ("staff", "0002_signin_limits_session_epoch_token_day"),
    ]

    operations = [
        migrations.RunPython(give_lifetime, migrations.RunPython.noop),
    ]
