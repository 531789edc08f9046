"""Team mode on real engines: one PostgreSQL and one `chroma run` server per test session, a fresh
database per test. With CI=true a service that cannot start fails the tier; elsewhere it skips with
the reason."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from ..team_services import (
    Chroma,
    Postgres,
    ServiceUnavailable,
    start_chroma,
    start_postgres,
    stop_chroma,
    stop_postgres,
)


def _unavailable(what: str, exc: Exception) -> None:
    message = f"team tier: {what} cannot start: {exc}"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    try:
        pg = start_postgres()
    except ServiceUnavailable as exc:
        _unavailable("PostgreSQL", exc)
        raise
    try:
        yield pg
    finally:
        stop_postgres(pg)


@pytest.fixture(scope="session")
def chroma_server() -> Iterator[Chroma]:
    try:
        server = start_chroma()
    except ServiceUnavailable as exc:
        _unavailable("the Chroma server", exc)
        raise
    try:
        yield server
    finally:
        stop_chroma(server)


def fresh_database(pg: Postgres) -> str:
    """A new empty database on the shared server; its URL."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg.url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return pg.url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def team_db(postgres: Postgres, monkeypatch: pytest.MonkeyPatch) -> str:
    """COACH_DATABASE_URL pointing at a fresh database (as a user sets it)."""
    url = fresh_database(postgres)
    monkeypatch.setenv("COACH_DATABASE_URL", url)
    return url
