"""Rows in one plain statement, where the ORM would send one per row or model, or cost more
to build the statement than to run it.

- `insert_together`: a new row with the rows that go with it. The ORM sends one INSERT per
  model, and each costs a round trip and its compilation; a row and its satellites (a
  comment, its history event and its dashboard count) can go together as one PostgreSQL
  statement of data-modifying CTEs. The columns and values come from the models' own fields
  (`Field.pre_save` and `get_db_prep_save`, as `Model.save()` uses them), so nothing here
  restates a model.
- `each_rows_own`: in one UPDATE of many rows, each row's own value of a field.
- `one_by_pk`: one row read by its id, without the columns no caller reads, in a SELECT built
  once per process.
"""

import json
from functools import cache

from django.db import connection, connections
from django.db.models import Case, F, JSONField, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast


def insert_together(row, linked=(), also=()) -> None:
    """Insert `row`, each (object, foreign key name) in `linked` pointing at it, and `also`."""
    pk = _quoted(row._meta.pk)
    new_pk = f"(SELECT {pk} FROM new_row)"  # noqa: S608 (a quoted column name)
    parts = [f"new_row AS ({_insert(row)} RETURNING {pk})"]
    params = _params(row)
    for n, (other, key) in enumerate(linked):
        link = other._meta.get_field(key)
        parts.append(f"linked_{n} AS ({_insert(other, link, new_pk)})")
        params += _params(other, link)
    for n, other in enumerate(also):
        parts.append(f"also_{n} AS ({_insert(other)})")
        params += _params(other)
    with connection.cursor() as cursor:
        # Only quoted table and column names are spliced in; every value is a parameter.
        cursor.execute(f"WITH {', '.join(parts)} SELECT {pk} FROM new_row", params)  # noqa: S608
        row.pk = cursor.fetchone()[0]
    # As `Model.save()` leaves a stored instance (the documented `_state` attributes).
    row._state.adding, row._state.db = False, connection.alias
    for other, key in linked:
        setattr(other, key, row)


@cache
def _columns_of(model, link=None) -> tuple:
    # The documented _meta API: a field with a column of its own (no reverse or m2m relation).
    # A model's fields are fixed once the apps are loaded, so each list is built once.
    return tuple(
        f
        for f in model._meta.get_fields()
        if f.concrete and f.column and not f.primary_key and f != link
    )


def _quoted(field) -> str:
    return connection.ops.quote_name(field.column)


def _insert(obj, link=None, link_value="") -> str:
    """Return an INSERT of `obj`'s fields as parameters, `link` set to the SQL `link_value`."""
    return _insert_of(type(obj), link, link_value)


@cache
def _insert_of(model, link, link_value) -> str:
    fields = _columns_of(model, link)
    columns = [_quoted(f) for f in fields]
    values = ["%s"] * len(fields)
    if link is not None:
        columns.insert(0, _quoted(link))
        values.insert(0, link_value)
    table = connection.ops.quote_name(model._meta.db_table)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(values)})"  # noqa: S608


def _params(obj, link=None) -> list:
    fields = _columns_of(type(obj), link)
    return [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]


def each_rows_own(model, field, by_id: dict):
    """Return an expression that gives each row of `model` its own `field` value from `by_id`.

    The values travel as one JSON object keyed by id, so the UPDATE costs the same to build
    for two rows or a checker's whole batch: a CASE with a branch for each row cost the spam
    check about 0.15 ms of CPU a comment to build (issue 26).
    """
    if any(hasattr(value, "resolve_expression") for value in by_id.values()):
        # An expression (one more attempt) is the database's to compute, row by row.
        whens = [When(pk=pk, then=value) for pk, value in by_id.items()]
        return Case(*whens, default=F(field.name))
    # str() writes a date as PostgreSQL reads it back, to the microsecond.
    own = json.dumps({str(pk): value for pk, value in by_id.items()}, default=str)
    row_id = f"{connection.ops.quote_name(model._meta.db_table)}.{_quoted(model._meta.pk)}"
    # Only our own quoted names are spliced in; the values are one parameter.
    if isinstance(field, JSONField):
        return RawSQL(f"(%s::jsonb -> {row_id}::text)", [own], output_field=field)  # noqa: S611
    return Cast(RawSQL(f"(%s::jsonb ->> {row_id}::text)", [own]), output_field=field)  # noqa: S611


def one_by_pk(model, pk, *, without=(), using="default"):
    """Return the row `pk` of `model` as an instance, its fields `without` deferred, or None."""
    columns, sql = _select_by_pk(model, tuple(without), using)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    # As the ORM builds its instances; a deferred field is loaded if read.
    return None if row is None else model.from_db(using, columns, row)


@cache
def _select_by_pk(model, without: tuple, using: str) -> tuple[tuple[str, ...], str]:
    fields = [f for f in model._meta.concrete_fields if f.attname not in without]
    quote = connections[using].ops.quote_name
    select = ", ".join(quote(f.column) for f in fields)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    sql = f"SELECT {select} FROM {table} WHERE {pk} = %s"  # noqa: S608 (quoted names of ours)
    return tuple(f.attname for f in fields), sql
