"""The sealed categories' key_id loses its index (vault.models.key_id_field: nothing selects
by it; `keys rotate` rewrites it on every row, so it only made rotation write twice).

The indexes are dropped by name (DROP INDEX), not by Django's AlterField, which on SQLite
would copy every table; the model state changes as AlterField would change it."""

from django.db import migrations, models

SEALED = ("account", "email", "financial", "identity")


def _key_id_indexes(schema_editor, model):
    conn = schema_editor.connection
    with conn.cursor() as cur:
        constraints = conn.introspection.get_constraints(cur, model._meta.db_table)
    return [name for name, info in constraints.items()
            if info["index"] and info["columns"] == ["key_id"] and not info["unique"]
            and not info["primary_key"]]


def drop_indexes(apps, schema_editor):
    for name in SEALED:
        model = apps.get_model("register", name)
        for index in _key_id_indexes(schema_editor, model):
            schema_editor.execute(schema_editor._delete_index_sql(model, index))


def create_indexes(apps, schema_editor):
    for name in SEALED:
        model = apps.get_model("register", name)
        if not _key_id_indexes(schema_editor, model):
            field = models.CharField(db_index=True, editable=False, max_length=40)
            field.set_attributes_from_name("key_id")
            field.model = model
            for sql in schema_editor._field_indexes_sql(model, field):
                schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ("register", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
            state_operations=[
                migrations.AlterField(model_name=name, name="key_id",
                                      field=models.CharField(editable=False, max_length=40))
                for name in SEALED
            ],
        ),
    ]
