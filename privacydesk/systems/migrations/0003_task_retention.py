# R1 in the other systems (#16.3): a system's retention sweep state, a review by hand.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('systems', '0002_tasks'),
    ]

    operations = [
        migrations.AlterField(
            model_name='systemtask',
            name='action',
            field=models.CharField(choices=[
                ('find', 'find'), ('export', 'export'), ('erase', 'erase'),
                ('correct', 'correct'), ('retain', 'retention sweep'),
                ('review', 'retention review')], max_length=8),
        ),
    ]
