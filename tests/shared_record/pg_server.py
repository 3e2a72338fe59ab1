"""A throw-away PostgreSQL server for the tests and benches: its own data directory, a free port on 127.0.0.1.

PostgreSQL refuses to run as root, and CI runs as root, so as root every server command runs as the `postgres` user
(`runuser`, from util-linux; the Debian `postgresql` package creates that user) in a directory handed over to it.
As an ordinary user the server simply runs as that user. Nothing listens beyond 127.0.0.1 and a private socket
directory; `stop()` and `start()` are there so a test can take the database away mid-run.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "postgres"


def find_bin_dir() -> Path:
    """`PG_BIN`, else the newest Debian-style /usr/lib/postgresql/N/bin, else initdb on PATH."""
    explicit = os.environ.get("PG_BIN")
    candidates = [explicit] if explicit else []
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True
    )
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    for c in candidates:
        if c and (Path(c) / "initdb").exists() and (Path(c) / "pg_ctl").exists():
            return Path(c)
    raise RuntimeError(
        "PostgreSQL server binaries not found (initdb, pg_ctl): install Debian's `postgresql` package "
        "(.ci/run does) or set PG_BIN"
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    def __init__(self, *, port: int | None = None) -> None:
        self.bin = find_bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="intake-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = port or free_port()
        self.password = secrets.token_urlsafe(18)
        self._as_root = os.geteuid() == 0
        if self._as_root:
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError(
                    "running as root, but there is no `postgres` user to run the server as "
                    "(install Debian's `postgresql` package)"
                ) from None
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self.root.chmod(0o700)
        self._initdb()

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / args[0]), *args[1:]]
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=120)

    def _initdb(self) -> None:
        pwfile = self.root / "pw"
        pwfile.write_text(self.password + "\n")
        if self._as_root:
            pw = pwd.getpwnam("postgres")
            os.chown(pwfile, pw.pw_uid, pw.pw_gid)
        try:
            self._run(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                SUPERUSER,
                f"--pwfile={pwfile}",
                "--auth-local=scram-sha-256",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            )
        except subprocess.CalledProcessError as exc:
            raise RuntimeError(f"initdb failed: {exc.stderr}") from None
        finally:
            pwfile.unlink()

    def start(self, extra: str = "") -> None:
        """`extra`: more `-c name=value` server options (e.g. TLS), kept for later restarts."""
        if extra:
            self._extra = extra
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
            + getattr(self, "_extra", "")
        )
        result = self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.log),
            "-w",
            "start",
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"the PostgreSQL server did not start: {result.stderr}\n{self.tail()}"
            )

    def give(self, path: Path, data: bytes, mode: int = 0o600) -> Path:
        """Write a file the server reads (a TLS key must belong to the server's user, mode 0600)."""
        path.write_bytes(data)
        path.chmod(mode)
        if self._as_root:
            pw = pwd.getpwnam("postgres")
            os.chown(path, pw.pw_uid, pw.pw_gid)
        return path

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def url(self, database: str, user: str = SUPERUSER) -> str:
        """Without the password, like every shared-record URL Intake accepts."""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def admin_engine(self, database: str = "postgres"):  # type: ignore[no-untyped-def]
        from intake_gui.store.shared_record.config import parse
        from intake_gui.store.shared_record.db import SharedRecordDB

        return SharedRecordDB(
            parse(self.url(database)), password=self.password, application_name="tests-admin"
        ).engine

    def create_database(self, name: str | None = None) -> str:
        from sqlalchemy import text

        name = name or f"intake_{secrets.token_hex(4)}"
        engine = self.admin_engine()
        try:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return name

    def close(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
