"""A throw-away PostgreSQL cluster for the server tests: ``initdb`` in a temp folder, on 127.0.0.1.

The binaries come from the OS packages (Debian's postgresql: /usr/lib/postgresql/<v>/bin, or on
PATH). PostgreSQL refuses to run as root, so as root the cluster belongs to the ``postgres`` user
the package creates and every server command runs through ``runuser -u postgres``; its folder is
made with mkdtemp under /tmp (which that user can reach), not under pytest's root-only tmp dir.
The cluster listens on a free loopback port with its unix socket in the same folder, trusts local
connections (nothing else can reach it) and is stopped with ``pg_ctl stop -m fast`` and deleted.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def find_bin_dir() -> Path | None:
    """The folder holding initdb and pg_ctl (newest version first), or None when PostgreSQL is absent."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run_as() -> list[str]:
    """The prefix that runs a PostgreSQL command as an unprivileged user (nothing when not root)."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise RuntimeError("running as root and there is no 'postgres' user to run PostgreSQL as") from None
    runuser = shutil.which("runuser")
    return [runuser, "-u", "postgres", "--"] if runuser else ["su", "postgres", "-s", "/bin/sh", "-c"]


@dataclass
class Cluster:
    bin_dir: Path
    folder: Path
    port: int = 0

    @property
    def superuser_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, user: str, database: str) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def _pg(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        prefix = _run_as()
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if prefix and prefix[0] == "su":  # su takes one shell string
            command = [" ".join(f"'{part}'" for part in command)]
        return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=timeout, check=True)

    def start(self) -> None:
        data, sockets = self.folder / "data", self.folder / "sockets"
        sockets.mkdir()
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            for path in (self.folder, sockets):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        self._pg("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale",
                 "--no-sync")
        self.port = free_port()
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {sockets} -c fsync=off -c max_connections=200"
        self._pg("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.folder / "server.log"), "-w", "-t", "60",
                 "start", timeout=90)

    def stop(self) -> None:
        try:
            if (self.folder / "data" / "postmaster.pid").exists():
                self._pg("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "-t", "60", "stop", timeout=90)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def new_cluster(bin_dir: Path) -> Cluster:
    return Cluster(bin_dir, Path(tempfile.mkdtemp(prefix="ai-coach-pg-")))
