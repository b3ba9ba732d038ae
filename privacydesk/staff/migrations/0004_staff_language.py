"""Issue #15: each staff member chooses the back office's language (empty: the browser's)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("staff", "0003_tokens_without_expiry_expire"),
    ]

    operations = [
        migrations.AddField(
            model_name="staffuser",
            name="language",
            field=models.CharField(
                blank=True, default="", max_length=8,
                choices=[("", "The browser's language"), ("nl", "Nederlands"),
                         ("en", "English")],
                verbose_name="language of the back office"),
        ),
    ]
