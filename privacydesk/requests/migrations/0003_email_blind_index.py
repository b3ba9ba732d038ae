# Staff find a request by the requester's e-mail address through its blind index (#15):
# new requests carry it; older ones are found by reference or through the register.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('requests', '0002_channel_letter_phone_in_person'),
    ]

    operations = [
        migrations.AddField(
            model_name='datasubjectrequest',
            name='email_index',
            field=models.CharField(blank=True, db_index=True, default='', max_length=64),
        ),
    ]
