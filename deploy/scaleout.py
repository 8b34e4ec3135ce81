"""The scale-out layout on loopback: N daphne processes sharing PostgreSQL and Redis,
optionally with nginx in front (the production location rules, rendered for loopback).

    make scaleout                       # N=2; DATABASE_URL and REDIS_URL from the environment
    make scaleout N=3 ARGS="--private-redis 6391 --nginx 8080"
    .venv/bin/python deploy/scaleout.py --help

It stays in the foreground and stops every process it started on Ctrl-C. The
benchmarks (`bench/run.py`) and the service-tier fault tests import the helpers
below (`start_daphne`, `start_redis`, `stop`) rather than shelling out to this script.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
NGINX_DIR = ROOT / "deploy" / "nginx"


@dataclass
class Proc:
    """One child process of the layout: what it is, where it listens, where it logs."""

    name: str
    popen: subprocess.Popen
    port: int
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def taskset(cpus: str | None) -> list[str]:
    """A `taskset -c` prefix pinning a process to `cpus`, or nothing where that is not possible."""
    if not cpus or not shutil.which("taskset") or (os.cpu_count() or 1) < 2:
        return []
    return ["taskset", "-c", cpus]


def wait_tcp(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process on port {port} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {timeout}s")


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback only)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def start_redis(port: int, *, log_dir: Path, cpus: str | None = None) -> Proc:
    """A private redis-server on its own port: no persistence, so a restart loses everything,
    which is what a crashed production Redis without snapshots looks like."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
    log = log_dir / f"redis-{port}.log"
    command = [
        *taskset(cpus),
        binary,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        "--protected-mode",
        "yes",
        "--dir",
        str(log_dir),
        "--dbfilename",
        f"redis-{port}.rdb",
    ]
    with open(log, "ab") as out:
        popen = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    proc = Proc("redis", popen, port, log)
    wait_tcp(port, popen)
    return proc


def daphne_command(port: int, *, verbosity: int = 0, cpus: str | None = None) -> list[str]:
    return [
        *taskset(cpus),
        sys.executable,
        "-m",
        "daphne",
        "-b",
        "127.0.0.1",
        "-p",
        str(port),
        "-v",
        str(verbosity),
        # As deploy/systemd: handshakes queued in a reconnect storm are not dropped at 5 s.
        "--websocket_connect_timeout",
        "30",
        "lms.asgi:application",
    ]


def start_daphne(
    port: int,
    *,
    env: dict[str, str],
    log_dir: Path,
    cpus: str | None = None,
    name: str = "daphne",
    application: str = "lms.asgi:application",
    ready_path: str = "/healthz",
) -> Proc:
    log = log_dir / f"{name}-{port}.log"
    command = daphne_command(port, cpus=cpus)
    command[-1] = application
    with open(log, "ab") as out:
        popen = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    proc = Proc(name, popen, port, log)
    wait_http(f"{proc.url}{ready_path}", popen)
    return proc


def stop(proc: Proc | None, *, timeout: float = 10) -> None:
    if proc is None or proc.popen.poll() is not None:
        return
    proc.popen.send_signal(signal.SIGTERM)
    try:
        proc.popen.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.popen.kill()
        proc.popen.wait(timeout=5)


def postgres_create(url: str, *, drop_first: bool = False) -> None:
    """Create the database named in a postgres:// URL (connecting to the `postgres` database)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if drop_first:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def postgres_drop(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(parts.path.lstrip("/")))
        )


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True
    )


def local_env(
    *, database_url: str, redis_url: str, settings: str = "lms.settings.production"
) -> dict[str, str]:
    """Environment for the layout's processes: production settings, loopback hosts, a
    throwaway key (a real deployment reads its key from /etc/legis/env)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings,
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "TRUSTED_PROXY_COUNT": os.environ.get("TRUSTED_PROXY_COUNT", "0"),
    }
    env.setdefault("SECRET_KEY", "local-" + secrets.token_urlsafe(32))
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
    return env


def nginx_local_config(*, listen: int, upstream: list[int], static_root: Path, prefix: Path) -> str:
    """A complete nginx.conf for loopback that includes the production location rules."""
    servers = "\n".join(f"        server 127.0.0.1:{port};" for port in upstream)
    mime = "/etc/nginx/mime.types"
    return f"""
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
worker_processes 1;
events {{ worker_connections 4096; }}
http {{
    {"include " + mime + ";" if Path(mime).exists() else ""}
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ''      close;
    }}
    upstream legis {{
        least_conn;
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{listen};
        server_name localhost 127.0.0.1;
        location /static/ {{
            alias {static_root}/;
            expires 30d;
            access_log off;
        }}
        include {NGINX_DIR / "legis-proxy.conf"};
    }}
}}
"""


def start_nginx(*, listen: int, upstream: list[int], static_root: Path, log_dir: Path) -> Proc:
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise RuntimeError("nginx is not installed (apt-get install nginx-light)")
    prefix = Path(tempfile.mkdtemp(prefix="legis-nginx-", dir=log_dir))
    conf = prefix / "nginx.conf"
    conf.write_text(
        nginx_local_config(listen=listen, upstream=upstream, static_root=static_root, prefix=prefix)
    )
    subprocess.run([binary, "-t", "-q", "-p", str(prefix), "-c", str(conf)], check=True)  # noqa: S603
    log = prefix / "error.log"
    popen = subprocess.Popen(  # noqa: S603
        [binary, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    proc = Proc("nginx", popen, listen, log)
    wait_http(f"{proc.url}/healthz", popen)
    return proc


@dataclass
class Layout:
    """N daphne processes (plus a private Redis and nginx when asked) on loopback."""

    processes: int = 2
    base_port: int = 0
    database_url: str = ""
    redis_url: str = ""
    private_redis: int = 0
    nginx: int = 0
    settings: str = "lms.settings.production"
    cpus: str | None = None
    log_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="legis-scaleout-")))
    extra_env: dict[str, str] = field(default_factory=dict)
    children: list[Proc] = field(default_factory=list)

    @property
    def daphnes(self) -> list[Proc]:
        return [p for p in self.children if p.name == "daphne"]

    def start(self, *, migrate: bool = True, collectstatic: bool = False) -> Layout:
        if self.private_redis:
            redis = start_redis(self.private_redis, log_dir=self.log_dir, cpus=self.cpus)
            self.children.append(redis)
            self.redis_url = f"redis://127.0.0.1:{redis.port}/0"
        env = {**local_env(database_url=self.database_url, redis_url=self.redis_url, settings=self.settings)}
        env.update(self.extra_env)
        if self.database_url.startswith("postgres"):
            postgres_create(self.database_url)
        if migrate:
            manage(env, "migrate", "--noinput", "-v0")
        if collectstatic or self.nginx:
            manage(env, "collectstatic", "--noinput", "-v0")
        self.env = env
        for n in range(self.processes):
            port = self.base_port + n if self.base_port else free_port()
            self.children.append(start_daphne(port, env=env, log_dir=self.log_dir, cpus=self.cpus))
        if self.nginx:
            static_root = ROOT / "staticfiles"  # STATIC_ROOT in lms/settings/base.py
            self.children.append(
                start_nginx(
                    listen=self.nginx,
                    upstream=[p.port for p in self.daphnes],
                    static_root=static_root,
                    log_dir=self.log_dir,
                )
            )
        return self

    def stop(self) -> None:
        for proc in reversed(self.children):
            stop(proc)
        self.children.clear()

    def describe(self) -> dict:
        return {
            "daphne": [{"pid": p.pid, "url": p.url, "log": str(p.log)} for p in self.daphnes],
            "redis": self.redis_url,
            "database": self.database_url,
            "nginx": f"http://127.0.0.1:{self.nginx}" if self.nginx else None,
            "logs": str(self.log_dir),
        }

    def __enter__(self) -> Layout:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--processes", type=int, default=int(os.environ.get("N", 2)))
    parser.add_argument("--base-port", type=int, default=8101, help="first daphne port (then +1, +2, ...)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument("--private-redis", type=int, default=0, metavar="PORT", help="start a redis-server")
    parser.add_argument("--nginx", type=int, default=0, metavar="PORT", help="put nginx in front on PORT")
    parser.add_argument("--settings", default="lms.settings.production")
    parser.add_argument("--cpus", default=None, help="pin the servers with taskset, e.g. 0")
    parser.add_argument("--no-migrate", action="store_true")
    parser.add_argument("--state-file", type=Path, help="write pids, URLs and logs here as JSON")
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        parser.error("set DATABASE_URL (or --database-url) to a PostgreSQL database: postgres://...")
    if not (args.redis_url or args.private_redis):
        parser.error("set REDIS_URL (or --redis-url), or start one with --private-redis PORT")
    layout = Layout(
        processes=args.processes,
        base_port=args.base_port,
        database_url=args.database_url,
        redis_url=args.redis_url,
        private_redis=args.private_redis,
        nginx=args.nginx,
        settings=args.settings,
        cpus=args.cpus,
    )
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    try:
        layout.start(migrate=not args.no_migrate)
        state = layout.describe()
        print(json.dumps(state, indent=2), flush=True)
        if args.state_file:
            args.state_file.write_text(json.dumps(state, indent=2))
        print("Running; Ctrl-C stops every process.", flush=True)
        while not stopping:
            for child in layout.children:
                if child.popen.poll() is not None:
                    print(f"{child.name} on {child.port} exited ({child.popen.returncode}); see {child.log}")
                    stopping = True
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        layout.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
