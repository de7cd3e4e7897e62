"""Reading and writing model rows by hand, with the ORM's own conversions.

For the few statements every request runs (the user, their memberships, the
audit event): there the ORM took longer to build the statement and the
instance than Postgres took to run it. Values still go through each field's
own conversions (`get_db_prep_save`, the database converters), so a row read
or written here is the row the ORM would read or write; the tests compare them.
"""

import functools

from django.db import connection


def model_loader(model, alias):
    """Columns to select for `model` as `alias`, how many there are, and a
    function making an instance from their values as the ORM does."""
    fields = model._meta.concrete_fields
    converters = [
        [*connection.ops.get_db_converters(field.get_col(alias)),
         *field.get_db_converters(connection)] for field in fields]
    names = [field.attname for field in fields]
    columns = ", ".join(f'{alias}."{field.column}"' for field in fields)

    def load(values):
        converted = []
        for value, field, field_converters in zip(values, fields, converters, strict=True):
            for convert in field_converters:
                value = convert(value, field.get_col(alias), connection)
            converted.append(value)
        return model.from_db(connection.alias, names, converted)

    return columns, len(fields), load


@functools.cache
def _insert_statement(model):
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    # Identifiers from the model's _meta only; the values are parameters.
    sql = (f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608
           f"({', '.join(quote(field.column) for field in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))}) "
           f"RETURNING {quote(model._meta.pk.column)}")
    return sql, fields


def insert_one(instance):
    """Save a new instance (auto primary key) as `instance.save()` would,
    without signals: defaults and auto_now_add as the fields set them."""
    model = type(instance)
    sql, fields = _insert_statement(model)
    values = [field.get_db_prep_save(field.pre_save(instance, True), connection)
              for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        instance.pk = cursor.fetchone()[0]
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance
