"""SQLAlchemy connect args for the test Airflow's SQLite metadata DB
(``AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS`` names this dict).

The scheduler, the dag-processor, the api-server, task processes and the ``airflow backfill``
command all write the one SQLite file; with the driver's default 5 s busy timeout a command can
fail with ``database is locked`` while the scheduler holds the write lock on a busy machine
(seen: ``backfill create --reprocess-behavior completed`` clearing the runs to redo). Waiting
longer serializes them instead.
"""

CONNECT_ARGS = {"timeout": 120}
