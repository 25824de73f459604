"""Django's PostgreSQL backend, its connection health check skipped while the
connection has just answered.

With persistent connections and CONN_HEALTH_CHECKS, Django sends `SELECT 1`
before the first query of every request: a rebuilt article page, one query
otherwise, then makes two round trips. Here the check is skipped when the
connection answered a request without error within the last
HEALTH_CHECK_AFTER_SECONDS (1 s); an idle connection is still checked, so a
restarted database is picked up as before. A database that went away within
that second fails the request's first query instead: the outage middleware
answers it with the 503 page and Django drops the connection.

A connection on which a query failed is closed when the request ends, not
reused: its prepared statements (settings.py, DATABASE_PREPARE_THRESHOLD) may be
the cause. A statement prepared before a migration changed the type of a
column it returns fails on every run ("cached plan must not change result
type") until its connection goes; that request gets the 503 page
(errors.is_database_outage), the next a fresh connection.

A statement with server-side binding takes at most 65,535 parameters (the
protocol counts them in 16 bits). Django splits bulk updates (and inserts it
can't send as arrays), a deletion's collection of related rows and in_bulk()
under a backend's limit, as for SQLite's; PostgreSQL's backend declares none,
values being inlined there by default, so this one declares it.
"""

import time

from django.db.backends.postgresql import base, features, operations

# The most parameters one statement may take with server-side binding.
MAX_QUERY_PARAMS = 65_535


class DatabaseFeatures(features.DatabaseFeatures):
    @property
    def max_query_params(self):
        return MAX_QUERY_PARAMS if self.uses_server_side_binding else None


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields, objs):
        # Twice the fields Django names: bulk_update() names (pk, pk, *fields) but
        # sends 2 * len(fields) + 1 parameters a row; an insert sends len(fields).
        limit = self.connection.features.max_query_params
        if limit and fields:
            return limit // (2 * len(fields))
        return super().bulk_batch_size(fields, objs)


HEALTH_CHECK_AFTER_SECONDS = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
    ops_class = DatabaseOperations
    _answered_at = float("-inf")

    def close_if_health_check_failed(self):
        recent = time.monotonic() - self._answered_at < HEALTH_CHECK_AFTER_SECONDS
        if self.connection is not None and recent and not self.health_check_done:
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def close_if_unusable_or_obsolete(self):
        # Called when a request starts and ends; health_check_done is set when
        # the request took a cursor (the connection answered) and reset here.
        if self.connection is not None and self.errors_occurred:
            self.close()
            return
        answered = self.connection is not None and self.health_check_done
        if answered and not self.errors_occurred:
            self._answered_at = time.monotonic()
        super().close_if_unusable_or_obsolete()
        if self.connection is None:
            self._answered_at = float("-inf")
