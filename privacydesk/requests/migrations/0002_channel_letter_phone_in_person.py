# Staff register requests that came in by letter, telephone or in person (Rt5); the
# column widens for "in_person".

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('requests', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='datasubjectrequest',
            name='channel',
            field=models.CharField(choices=[('web', 'web form'), ('email', 'e-mail'), ('staff', 'entered by staff'), ('letter', 'letter'), ('phone', 'telephone'), ('in_person', 'in person')], max_length=16),
        ),
    ]
