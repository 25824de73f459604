"""Queries compiled to SQL once per process, from the querysets that state their rules.

Building and compiling a queryset costs more Python time than running a small
query: the article page's lookup ~0.8 ms against ~0.05 ms, a topic's first
articles on the home page ~1 ms of CPU (bench/home_rebuilt.py). For the few
queries a rebuilt page runs every time, the queryset is built once per process
with stand-ins where a request's own values go (the current time, a slug),
compiled by Django, and run with the request's values in their place. The SQL
still comes from the queryset, so a rule such as Article.objects.published()
stays in one place; the rows are converted by the compiler that wrote it
(Django's converters: SQLite's dates, for one).
"""

from datetime import UTC, datetime
from threading import Lock

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections

# The stand-in for a moment: no real request runs at this microsecond.
MOMENT = datetime(2000, 1, 1, 0, 0, 0, 271828, tzinfo=UTC)


class CompiledQuery:
    """`build(**stand_ins)` -> a values_list() queryset, compiled on first use per database.

    Stand-ins are keyword values the SQL's parameters can't otherwise hold
    (MOMENT, a slug no article has, a negative id); rows(**values) runs the
    SQL with the request's values in their place."""

    def __init__(self, build, **stand_ins):
        self._build, self._stand_ins = build, stand_ins
        self._compiled = {}  # database alias -> (compiler, sql, slots)
        self._lock = Lock()

    def rows(self, alias=DEFAULT_DB_ALIAS, **values):
        """[tuple] of the query with `values` (datetimes aware) for the stand-ins."""
        compiler, sql, slots = self._compiled.get(alias) or self._compile(alias)
        connection = connections[alias]
        adapt = connection.ops.adapt_datetimefield_value
        by_name = {
            name: adapt(value) if isinstance(value, datetime) else value
            for name, value in values.items()
        }
        params = [by_name[slot.name] if isinstance(slot, _Slot) else slot for slot in slots]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        return list(compiler.results_iter([found], tuple_expected=True))

    def _compile(self, alias):
        with self._lock:
            compiler = self._build(**self._stand_ins).query.get_compiler(alias)
            sql, params = compiler.as_sql()
            adapt = connections[alias].ops.adapt_datetimefield_value
            slots = list(params)
            for name, stand_in in self._stand_ins.items():
                adapted = adapt(stand_in) if isinstance(stand_in, datetime) else stand_in
                places = [n for n, param in enumerate(params) if param == adapted]
                if not places:
                    raise ImproperlyConfigured(f"{self._build.__qualname__} lost its {name}.")
                for n in places:
                    slots[n] = _Slot(name)
            self._compiled[alias] = compiler, sql, tuple(slots)
            return self._compiled[alias]

    def forget(self):
        self._compiled.clear()


class _Slot:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name
