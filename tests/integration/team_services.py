"""Real team-mode engines for the integration tier: PostgreSQL 15 (Debian's binaries, `initdb` +
`pg_ctl`, run as the `postgres` user when the tests run as root) and a `chroma run` server, each on a
free loopback port in a throwaway directory. No systemd, no network beyond 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PG_BINS = ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin")


class ServiceUnavailable(Exception):
    """A service could not start here (binary missing, start failed): the reason."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Postgres:
    url: str
    root: Path
    bindir: Path
    as_user: list[str]


def _pg_bindir() -> Path:
    for d in (os.environ.get("COACH_TEST_PG_BIN", ""), *PG_BINS):
        if d and (Path(d) / "initdb").exists():
            return Path(d)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise ServiceUnavailable("PostgreSQL binaries not found (apt-get install postgresql-15)")


def start_postgres() -> Postgres:
    """initdb + pg_ctl start on a free port; the URL of its `postgres` database (trust auth)."""
    bindir = _pg_bindir()
    as_user: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="coach-pg-"))
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        import pwd

        try:
            pw = pwd.getpwnam("postgres")
        except KeyError as exc:
            raise ServiceUnavailable("running as root and there is no postgres user") from exc
        os.chown(root, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, log, port = root / "data", root / "server.log", free_port()
    try:
        subprocess.run(
            [*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "coach", "--auth=trust", "-E", "UTF8"],
            check=True,
            capture_output=True,
            timeout=120,
        )
        opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100"
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(log), "-w", "start"],
            check=True,
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        tail = log.read_text(errors="replace")[-500:] if log.exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise ServiceUnavailable(
            f"PostgreSQL did not start: {exc} {detail.decode(errors='replace')} {tail}"
        ) from exc
    return Postgres(f"postgresql://coach@127.0.0.1:{port}/postgres", root, bindir, as_user)


def stop_postgres(pg: Postgres) -> None:
    subprocess.run(
        [*pg.as_user, str(pg.bindir / "pg_ctl"), "-D", str(pg.root / "data"), "-m", "immediate", "stop"],
        capture_output=True,
        timeout=60,
    )
    shutil.rmtree(pg.root, ignore_errors=True)


@dataclass
class Chroma:
    url: str
    root: Path
    proc: subprocess.Popen[bytes]


def start_chroma() -> Chroma:
    """`chroma run` from the installed chromadb on a free port; waits for its heartbeat."""
    import httpx

    exe = Path(sys.executable).parent / "chroma"
    if not exe.exists():
        raise ServiceUnavailable(f"{exe} not found (chromadb's server command)")
    root = Path(tempfile.mkdtemp(prefix="coach-chroma-"))
    port = free_port()
    log = (root / "server.log").open("wb")
    proc = subprocess.Popen(
        [str(exe), "run", "--path", str(root / "data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180  # seconds: a loaded shared machine starts it slowly
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1.0).status_code == 200:
                return Chroma(url, root, proc)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    proc.wait()
    text = (root / "server.log").read_text(errors="replace")[-500:]
    shutil.rmtree(root, ignore_errors=True)
    raise ServiceUnavailable(f"chroma run did not answer its heartbeat: {text}")


def stop_chroma(chroma: Chroma) -> None:
    chroma.proc.terminate()
    try:
        chroma.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        chroma.proc.kill()
        chroma.proc.wait()
    shutil.rmtree(chroma.root, ignore_errors=True)
