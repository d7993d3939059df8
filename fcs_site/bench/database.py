"""The benchmark's database: PostgreSQL only, created on first use."""

from urllib.parse import quote

import psycopg2
from django.core.management.base import CommandError
from django.db import connection
from psycopg2 import sql


def require_postgresql() -> str:
    """The database name; a clear error when the database is not PostgreSQL."""
    if connection.vendor != "postgresql":
        raise CommandError(
            "The benchmark runs on PostgreSQL only, as in production; this database is "
            f"{connection.vendor}. Set DATABASE_URL=postgres://USER@HOST:5432/fcs_bench "
            "(`make bench` does)."
        )
    return connection.settings_dict["NAME"]


def ensure_exists() -> bool:
    """Create the configured database when it is missing; True when it was created."""
    params = connection.get_connection_params()
    name = params.pop("dbname", None) or params.pop("database")
    params["dbname"] = "postgres"
    maintenance = psycopg2.connect(**params)
    try:
        maintenance.autocommit = True
        with maintenance.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone():
                return False
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    finally:
        maintenance.close()


def database_url() -> str:
    """A DATABASE_URL for the database this process uses (for the processes it starts)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"
