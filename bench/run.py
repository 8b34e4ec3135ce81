"""Legis benchmarks: every figure as a ratio to a baseline measured in the same run.

    make bench                          # all five, about 12-15 minutes on 2 cores
    .venv/bin/python bench/run.py --quick           # a couple of minutes, one repeat, smaller counts
    .venv/bin/python bench/run.py --only fanout,reading
    .venv/bin/python bench/run.py --full            # the issue's durations (60 s fan-out runs)

1 fan-out     one room of 25 and 150 clients, a post every 200 ms; latency from send to the
              last recipient. Baseline: a bare `websockets` broadcast server (bench/bare_ws.py).
              Modes: embedded (one daphne, in-memory layer, SQLite) and scale-out (two daphne,
              PostgreSQL, a private Redis) with RedisChannelLayer and RedisPubSubChannelLayer.
2 pipeline    sustained posts/s over WebSockets with acknowledgement p95, against the same
              ORM writes in a plain loop (bench/fixtures.py ormloop); queries per post.
3 reading     a 5,000-word reading, 40 passages, 200 comments, with wrk, against a bare
              Django view returning the same bytes through the same daphne (bench/bare_http.py).
4 connections memory per idle connection at 500/1,000/2,000 clients against the bare server;
              a 1,000-client reconnect storm.
5 alumni      a group of 5,000 members with 200 online against a group of 200.

Each comparison alternates baseline and subject, three repeats, and reports the median with
min and max. Servers are pinned to CPU 0 and the load generator to CPU 1 (taskset) when
the machine has two cores. Everything runs on loopback, on throwaway databases (a SQLite
file and a PostgreSQL database named legis_bench_<pid>, dropped at the end) and a private
redis-server; nothing shared is touched. The table goes to docs/performance.md (between
its `bench:begin`/`bench:end` markers), the raw figures to bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402
from deploy.scaleout import (  # noqa: E402
    Proc,
    free_port,
    postgres_create,
    postgres_drop,
    start_daphne,
    start_redis,
    stop,
    taskset,
    wait_http,
)

RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
SERVER_CPUS = "0"
LOAD_CPU = 1
CLK_TCK = os.sysconf("SC_CLK_TCK")
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "legis-bench"

PROFILES = {
    # repeats, fan-out seconds, pipeline seconds, wrk seconds, connection steps, storm, alumni seconds
    "quick": dict(repeats=1, fanout_s=3, pipeline_s=3, wrk_s=2, steps=[250, 500], storm=500, alumni_s=3),
    "default": dict(
        repeats=3, fanout_s=8, pipeline_s=5, wrk_s=3, steps=[500, 1000, 2000], storm=1000, alumni_s=6
    ),
    "full": dict(
        repeats=3, fanout_s=60, pipeline_s=15, wrk_s=10, steps=[500, 1000, 2000], storm=1000, alumni_s=30
    ),
}
BENCHES = ["fanout", "pipeline", "reading", "connections", "alumni"]


def migration_fingerprint() -> str:
    """Changes when a migration or an installed package does: the key of the migrated templates."""
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    for dist in sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()):
        digest.update(dist.encode())
    return digest.hexdigest()[:12]


def spread(values: list[float | None]) -> dict | None:
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def ratios(ours: list[float | None], base: list[float | None]) -> list[float | None]:
    """Paired per repeat: each subject run against the baseline run next to it."""
    return [o / b if o is not None and b else None for o, b in zip(ours, base, strict=False)]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


async def quiet(pids: list[int], *, window: float = 0.5, busy: float = 0.1, timeout: float = 120) -> float:
    """Wait until the servers are idle (under `busy` of a core over `window`): the presence
    broadcasts that joins set off must not spill into a measurement. Returns the wait."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        before = sum(cpu_seconds(pid) for pid in pids)
        await asyncio.sleep(window)
        if sum(cpu_seconds(pid) for pid in pids) - before < busy * window:
            break
    return time.monotonic() - started


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _pg_exists(base: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def _pg_rename(base: str, old: str, new: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(old), sql.Identifier(new))
        )


def _pg_clone(url: str, template: str) -> None:
    import psycopg
    from psycopg import sql

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
        )


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.profile = PROFILES["quick" if args.quick else "full" if args.full else "default"]
        self.tmp = Path(tempfile.mkdtemp(prefix="legis-bench-"))
        self.started = time.monotonic()
        self.children: list[Proc] = []
        self.rows: list[dict] = []
        self.raw: dict = {}
        self.notes: list[str] = []
        self.pg_url = ""
        self.redis: Proc | None = None

    # ---- plumbing ----------------------------------------------------------------------------
    def log(self, message: str) -> None:
        print(f"[{time.monotonic() - self.started:6.1f}s] {message}", flush=True)

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
        env.update({"DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)})
        env.update(extra)
        return env

    @property
    def embedded_env(self) -> dict[str, str]:
        url = f"sqlite:///{self.tmp / 'embedded.sqlite3'}"
        if self.args.sqlite_conn_max_age is not None:  # an experiment: see docs/performance.md
            url += f"?conn_max_age={self.args.sqlite_conn_max_age}"
        return self.env(DATABASE_URL=url)

    def scaleout_env(self, layer: str) -> dict[str, str]:
        db = 0 if layer == "core" else 1
        return self.env(
            DATABASE_URL=self.pg_url,
            REDIS_URL=f"redis://127.0.0.1:{self.redis.port}/{db}",
            BENCH_CHANNEL_LAYER=layer,
        )

    def fixtures(self, env: dict[str, str], *args: str) -> object:
        out = self.tmp / f"fixture-{time.monotonic_ns()}.json"
        subprocess.run(
            [sys.executable, "-m", "bench.fixtures", *args, "--out", str(out)], cwd=ROOT, env=env, check=True
        )
        return json.loads(out.read_text())

    def daphne(self, env: dict[str, str], name: str, **kwargs) -> Proc:
        if self.args.server == "uvicorn" and "application" not in kwargs:
            proc = self.uvicorn(env, name)
        else:
            proc = start_daphne(free_port(), env=env, log_dir=self.tmp, cpus=SERVER_CPUS, name=name, **kwargs)
        self.children.append(proc)
        return proc

    def uvicorn(self, env: dict[str, str], name: str) -> Proc:
        """The same application under uvicorn with the `websockets` protocol (an experiment:
        docs/performance.md; the baselines stay as they are)."""
        port = free_port()
        log = self.tmp / f"{name}-uvicorn-{port}.log"
        command = [
            *taskset(SERVER_CPUS),
            sys.executable,
            "-m",
            "uvicorn",
            "lms.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--ws",
            "websockets",
            "--lifespan",
            "off",
            "--no-access-log",
            "--log-level",
            "warning",
        ]
        with open(log, "ab") as out:
            popen = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
        proc = Proc(name, popen, port, log)
        wait_http(f"{proc.url}/healthz", popen)
        return proc

    def bare_ws(self) -> Proc:
        port = free_port()
        log = self.tmp / f"bare-ws-{port}.log"
        with open(log, "ab") as out:
            popen = subprocess.Popen(  # noqa: S603
                [*taskset(SERVER_CPUS), sys.executable, str(ROOT / "bench" / "bare_ws.py"), str(port)],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        proc = Proc("bare-ws", popen, port, log)
        wait_http(f"{proc.url}/healthz", popen)
        self.children.append(proc)
        return proc

    def stop(self, proc: Proc) -> None:
        stop(proc)
        if proc in self.children:
            self.children.remove(proc)

    def row(self, bench: str, case: str, metric: str, ours: list, base: list | None, target: str, ok) -> dict:
        row = {
            "bench": bench,
            "case": case,
            "metric": metric,
            "ours": spread(ours),
            "baseline": spread(base) if base is not None else None,
            "ratio": spread(ratios(ours, base)) if base is not None else None,
            "target": target,
            "meets": ok,
        }
        self.rows.append(row)
        return row

    # ---- setup -------------------------------------------------------------------------------
    def setup(self) -> None:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError):
            pass
        self.fd_limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        self.pinned = bool(taskset(SERVER_CPUS))
        if self.pinned:
            os.sched_setaffinity(0, {LOAD_CPU})
        else:
            self.notes.append("Not pinned: taskset or a second CPU is missing; servers and load share cores.")
        self.scaleout = not self.args.no_scaleout and self._scaleout_available()
        self.log(f"scratch directory {self.tmp}; file-descriptor limit {self.fd_limit}")
        # Migrating takes half a minute or more per database: migrate once into templates kept
        # in ~/.cache/legis-bench (SQLite) and PostgreSQL (legis_bench_tpl_<fingerprint>), then copy.
        fingerprint = migration_fingerprint()
        CACHE.mkdir(parents=True, exist_ok=True)
        sqlite_template = CACHE / f"sqlite-{fingerprint}.sqlite3"
        pg_template = f"legis_bench_tpl_{fingerprint}"
        jobs = []
        if self.args.no_cache or not sqlite_template.exists():
            scratch = self.tmp / "template.sqlite3"
            env = self.env(DATABASE_URL=f"sqlite:///{scratch}")
            jobs.append((self._migrate(env), lambda: shutil.move(scratch, sqlite_template)))
        if self.scaleout:
            self.redis = start_redis(free_port(), log_dir=self.tmp, cpus=SERVER_CPUS)
            self.children.append(self.redis)
            base = self.pg_url.rsplit("/", 1)[0]
            if self.args.no_cache or not _pg_exists(base, pg_template):
                partial = f"{pg_template}_partial"  # renamed only once migrate succeeded
                postgres_create(f"{base}/{partial}", drop_first=True)
                postgres_drop(f"{base}/{pg_template}")
                env = self.env(DATABASE_URL=f"{base}/{partial}")
                jobs.append((self._migrate(env), lambda: _pg_rename(base, partial, pg_template)))
        if jobs:
            self.log("migrating the benchmark template databases (once per set of migrations)")
        for proc, done in jobs:
            if proc.wait() != 0:
                raise RuntimeError("migrate failed")
            done()
        shutil.copyfile(sqlite_template, self.tmp / "embedded.sqlite3")
        if self.scaleout:
            _pg_clone(self.pg_url, pg_template)

    def _migrate(self, env: dict[str, str]) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env
        )

    def _scaleout_available(self) -> bool:
        if not shutil.which("redis-server"):
            self.notes.append(
                "Scale-out skipped: redis-server is not installed (apt-get install redis-server)."
            )
            return False
        base = self.args.postgres or os.environ.get(
            "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"
        )
        self.pg_url = f"{base.rstrip('/')}/legis_bench_{os.getpid()}"
        try:
            import psycopg

            with psycopg.connect(f"{base.rstrip('/')}/postgres", connect_timeout=3):
                pass
        except Exception as exc:
            self.notes.append(
                f"Scale-out skipped: PostgreSQL at {base} is not reachable ({exc.__class__.__name__})."
            )
            return False
        return True

    def teardown(self) -> None:
        for proc in reversed(self.children):
            stop(proc)
        self.children.clear()
        if self.pg_url and self.scaleout and not self.args.keep:
            try:
                postgres_drop(self.pg_url)
            except Exception as exc:
                self.log(f"could not drop {self.pg_url}: {exc}")
        if not self.args.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # ---- 1 fan-out ---------------------------------------------------------------------------
    def bench_fanout(self) -> None:
        p = self.profile
        sizes = [25, 150]
        reps = range(p["repeats"])
        spec = [{"tag": f"fan{s}r{r}", "members": s} for s in sizes for r in reps]
        rooms = {
            "embedded": {
                x["tag"]: x for x in self.fixtures(self.embedded_env, "rooms", "--spec", json.dumps(spec))
            }
        }
        subjects: dict[str, list[Proc]] = {"embedded": [self.daphne(self.embedded_env, "embedded")]}
        if self.scaleout:
            for layer in ("core", "pubsub"):
                spec_l = [{"tag": f"fan{s}r{r}{layer}", "members": s} for s in sizes for r in reps]
                made = self.fixtures(self.scaleout_env(layer), "rooms", "--spec", json.dumps(spec_l))
                rooms[f"scale-out {layer}"] = {x["tag"][: -len(layer)]: x for x in made}
                subjects[f"scale-out {layer}"] = [
                    self.daphne(self.scaleout_env(layer), f"so-{layer}") for _ in range(2)
                ]
        bare = self.bare_ws()
        runs: dict[str, dict[int, list[dict]]] = {
            name: {s: [] for s in sizes} for name in ["bare", *subjects]
        }
        for size in sizes:
            for r in reps:
                order = list(subjects)
                order = order[r % len(order) :] + order[: r % len(order)]
                for name in ["bare", *order]:
                    if name == "bare":
                        targets = [loadgen.Target(f"ws://127.0.0.1:{bare.port}/room-{size}-{r}")] * size
                        thread, pids = 0, [bare.pid]
                    else:
                        room = rooms[name][f"fan{size}r{r}"]
                        servers = subjects[name]
                        targets = [
                            loadgen.Target(
                                f"ws://127.0.0.1:{servers[i % len(servers)].port}/ws/spaces/{room['space']}/",
                                c,
                            )
                            for i, c in enumerate(room["cookies"])
                        ]
                        thread = room["thread"]
                        pids = [s.pid for s in servers] + (
                            [self.redis.pid] if name.startswith("scale") else []
                        )
                    summary = asyncio.run(
                        self._fanout_run(targets, thread, p["fanout_s"], pids, f"{name[:2]}{r}")
                    )
                    runs[name][size].append(summary)
                    self.log(
                        f"fan-out {name:17} {size:3} clients: p95 {summary['p95_ms']:.1f} ms, "
                        f"{summary['cpu_ms_per_post']:.1f} CPU ms/post, retries {summary['join_retries']}, "
                        f"missing {summary['missing_deliveries']}, join {summary['join_s']:.1f}s "
                        f"+ {summary['settle_s']:.1f}s until quiet"
                    )
        self.raw["fanout"] = runs
        targets_text = {
            "embedded": ("≤ 3× bare; ≤ 15 ms at 150", 3, 15),
            "scale-out core": ("≤ 4× bare; ≤ 25 ms at 150", 4, 25),
            "scale-out pubsub": ("≤ 4× bare; ≤ 25 ms at 150", 4, 25),
        }
        for size in sizes:
            base = [x["p95_ms"] for x in runs["bare"][size]]
            for name in subjects:
                ours = [x["p95_ms"] for x in runs[name][size]]
                text, factor, ceiling = targets_text[name]
                ratio = spread(ratios(ours, base))
                ok = ratio is not None and ratio["median"] <= factor
                if size == 150 and ok:
                    ok = statistics.median(ours) <= ceiling
                missing = sum(x["missing_deliveries"] for x in runs[name][size])
                self.row(
                    "1 fan-out",
                    f"{name}, {size} clients",
                    "p95 ms send → last recipient",
                    ours,
                    base,
                    text,
                    ok,
                )
                self.row(
                    "1 fan-out",
                    f"{name}, {size} clients",
                    "p99 ms",
                    [x["p99_ms"] for x in runs[name][size]],
                    [x["p99_ms"] for x in runs["bare"][size]],
                    "",
                    None,
                )
                self.row(
                    "1 fan-out",
                    f"{name}, {size} clients",
                    "server CPU ms per post",
                    [x["cpu_ms_per_post"] for x in runs[name][size]],
                    [x["cpu_ms_per_post"] for x in runs["bare"][size]],
                    "",
                    None,
                )
                if missing:
                    self.notes.append(
                        f"Fan-out {name} at {size}: {missing} deliveries missing over all repeats."
                    )
        for procs in subjects.values():
            for proc in procs:
                self.stop(proc)
        self.stop(bare)

    async def _fanout_run(self, targets, thread: int, duration: float, pids: list[int], tag: str) -> dict:
        t0 = loadgen.now()
        clients = await loadgen.open_many(targets)
        join = loadgen.now() - t0
        settle = await quiet(pids)
        cpu0 = sum(cpu_seconds(pid) for pid in pids)
        result = await loadgen.fanout(clients, thread=thread, duration=duration, tag=tag)
        cpu = sum(cpu_seconds(pid) for pid in pids) - cpu0
        await loadgen.close_many(clients)
        summary = result.summary()
        summary["join_s"] = join
        summary["join_retries"] = sum(c.retries for c in clients)
        summary["settle_s"] = settle
        summary["cpu_ms_per_post"] = cpu * 1000 / max(result.posts, 1)
        return summary

    # ---- 2 pipeline --------------------------------------------------------------------------
    def bench_pipeline(self) -> None:
        p = self.profile
        rooms_per_run, members = 10, 30
        concurrency = self.args.concurrency
        modes = {"embedded": self.embedded_env}
        if self.scaleout:
            modes["scale-out core"] = self.scaleout_env("core")
        results: dict[str, dict[str, list]] = {}
        for mode, env in modes.items():
            spec = [
                {"tag": f"pipe{mode[:2]}r{r}k{k}", "members": members}
                for r in range(p["repeats"])
                for k in range(rooms_per_run)
            ]
            spec.append({"tag": f"pipeorm{mode[:2]}", "members": 1})
            rooms = {x["tag"]: x for x in self.fixtures(env, "rooms", "--spec", json.dumps(spec))}
            servers = [self.daphne(env, f"pipe-{mode[:2]}") for _ in range(1 if mode == "embedded" else 2)]
            base_runs, our_runs = [], []
            for r in range(p["repeats"]):
                room = rooms[f"pipeorm{mode[:2]}"]
                base = self._pinned_ormloop(env, room, p["pipeline_s"])
                base_runs.append(base)
                run_rooms = [rooms[f"pipe{mode[:2]}r{r}k{k}"] for k in range(rooms_per_run)]
                ours = asyncio.run(self._pipeline_run(servers, run_rooms, concurrency, p["pipeline_s"]))
                our_runs.append(ours)
                self.log(
                    f"pipeline {mode}: ORM loop {base['rate']:.0f}/s; ours {ours['rate']:.0f}/s, "
                    f"ack p95 {ours['ack_p95_ms']:.1f} ms, errors {ours['errors']}"
                )
            results[mode] = {"baseline": base_runs, "ours": our_runs}
            self.row(
                "2 pipeline",
                f"{mode}, {concurrency} in flight",
                "posts/s acknowledged",
                [x["rate"] for x in our_runs],
                [x["rate"] for x in base_runs],
                "≥ 0.5× the ORM loop",
                statistics.median(ratios([x["rate"] for x in our_runs], [x["rate"] for x in base_runs]))
                >= 0.5,
            )
            p95 = [x["ack_p95_ms"] for x in our_runs]
            self.row(
                "2 pipeline",
                f"{mode}, {concurrency} in flight",
                "ack p95 ms",
                p95,
                None,
                "≤ 50 ms",
                statistics.median(p95) <= 50,
            )
            if any(x["quota_exhausted"] for x in our_runs):
                self.notes.append(
                    f"Pipeline {mode}: the posting quota (12 a minute a person) ran out; rate is a floor."
                )
            for server in servers:
                self.stop(server)
        queries = self.query_counts()
        self.raw["queries"] = queries
        results["queries"] = queries
        self.raw["pipeline"] = results
        self.row(
            "2 pipeline",
            "post_create (service)",
            "queries per post",
            [queries["service_post_create"]],
            None,
            "≤ 3",
            queries["service_post_create"] <= 3,
        )
        self.row(
            "2 pipeline",
            "post frame over WebSocket",
            "queries per post",
            [queries["ws_post_frame"]],
            None,
            "≤ 3",
            queries["ws_post_frame"] <= 3,
        )

    def _pinned_ormloop(self, env: dict[str, str], room: dict, seconds: float) -> dict:
        out = self.tmp / f"ormloop-{time.monotonic_ns()}.json"
        subprocess.run(  # noqa: S603
            [
                *taskset(SERVER_CPUS),
                sys.executable,
                "-m",
                "bench.fixtures",
                "ormloop",
                "--room",
                json.dumps(room),
                "--seconds",
                str(seconds),
                "--out",
                str(out),
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        return json.loads(out.read_text())

    async def _pipeline_run(
        self, servers: list[Proc], rooms: list[dict], concurrency: int, duration: float
    ) -> dict:
        targets, threads = [], []
        for room in rooms:
            for i, cookie in enumerate(room["cookies"]):
                server = servers[i % len(servers)]
                targets.append(
                    loadgen.Target(f"ws://127.0.0.1:{server.port}/ws/spaces/{room['space']}/", cookie)
                )
                threads.append(room["thread"])
        clients = await loadgen.open_many(targets)
        await quiet([s.pid for s in servers])
        result = await loadgen.pipeline(
            list(zip(clients, threads, strict=True)), concurrency=concurrency, duration=duration
        )
        await loadgen.close_many(clients)
        return result

    # ---- 3 reading page ----------------------------------------------------------------------
    def query_counts(self) -> dict:
        """Deterministic counts (bench/fixtures.py queries), measured once per run."""
        if getattr(self, "queries", None) is None:
            self.prepare_reading()
            self.queries = self.fixtures(self.embedded_env, "queries", "--reading", str(self.reading_file))
        return self.queries

    def prepare_reading(self) -> None:
        if getattr(self, "reading", None) is None:
            self.reading = self.fixtures(self.embedded_env, "reading")
            self.reading_file = self.tmp / "reading.json"
            self.reading_file.write_text(json.dumps(self.reading))

    def bench_reading(self) -> None:
        wrk = shutil.which("wrk")
        if wrk is None:
            self.notes.append(
                "Reading page skipped: wrk is not installed. Install the Debian package: apt-get install wrk."
            )
            self.log("wrk is missing: apt-get install wrk (Debian package) to run the reading-page benchmark")
            return
        p = self.profile
        self.prepare_reading()
        reading = self.reading
        # Rendering measured with the anonymous page cache off; the cached row uses the
        # application's own cache (home/pagecache.py) as it ships.
        server = self.daphne(self.embedded_env | {"PAGE_CACHE_SECONDS": "0"}, "reading")
        cached = self.daphne(self.embedded_env, "reading-cached")
        pages = self.tmp / "pages"
        pages.mkdir(exist_ok=True)
        cases = {
            "cohort reading, signed in, 200 comments": (
                server,
                reading["large"]["url"],
                f"sessionid={reading['large']['cookie']}",
                "cohort",
            ),
            "public reading, anonymous": (server, reading["public_url"], None, "public"),
            # Any anonymous reader, first visit or returning: one shared copy per URL.
            "public reading, anonymous, page cache": (cached, reading["public_url"], None, "public"),
        }
        sizes = {}
        for name, (proc, url, cookie, page) in cases.items():
            request = urllib.request.Request(f"{proc.url}{url}", headers={"Cookie": cookie} if cookie else {})
            with urllib.request.urlopen(request) as response:  # noqa: S310 (loopback)
                body = response.read()
                sizes[name] = {"bytes": len(body), "set_cookie": bool(response.headers.get_all("Set-Cookie"))}
            if "cache" not in name:
                (pages / f"{page}.html").write_bytes(body)
        bare = self.daphne(
            self.env(BENCH_BARE_DIR=str(pages)), "bare-http", application="bench.bare_http:application"
        )
        results = {}
        for name, (proc, url, cookie, page) in cases.items():
            base_runs, our_runs = [], []
            for _r in range(p["repeats"]):
                base_runs.append(self._wrk(f"{bare.url}/page/{page}", None, p["wrk_s"]))
                our_runs.append(self._wrk(f"{proc.url}{url}", cookie, p["wrk_s"]))
                self.log(
                    f"reading {name}: bare {base_runs[-1]['rps']:.0f} req/s, "
                    f"ours {our_runs[-1]['rps']:.0f} req/s"
                )
            results[name] = {"baseline": base_runs, "ours": our_runs, **sizes[name]}
            target, floor = ("≥ 0.7× bare", 0.7) if "cache" in name else ("≥ 0.25× bare", 0.25)
            ours_rps, base_rps = [x["rps"] for x in our_runs], [x["rps"] for x in base_runs]
            self.row(
                "3 reading",
                f"{name} ({sizes[name]['bytes'] // 1024} KiB)",
                "requests/s",
                ours_rps,
                base_rps,
                target,
                statistics.median(ratios(ours_rps, base_rps)) >= floor,
            )
        self.raw["reading"] = results
        queries = self.query_counts()
        small, large = queries["reading_small_queries"], queries["reading_large_queries"]
        self.row(
            "3 reading",
            "cohort reading, {} → {} comments".format(
                queries["reading_small_comments"], queries["reading_large_comments"]
            ),
            "queries per page",
            [large],
            None,
            "flat in comments",
            large == small,
        )
        self.row(
            "3 reading",
            "public reading, anonymous",
            "queries per page",
            [queries["reading_anonymous_queries"]],
            None,
            "",
            None,
        )
        self.row(
            "3 reading",
            "public reading, anonymous, page cache",
            "queries per page",
            [queries["reading_anonymous_cached_queries"]],
            None,
            "0 when cached",
            queries["reading_anonymous_cached_queries"] == 0,
        )
        for proc in (server, cached, bare):
            self.stop(proc)

    def _wrk(self, url: str, cookie: str | None, seconds: float) -> dict:
        command = [*taskset(str(LOAD_CPU)), "wrk", "-t1", "-c8", f"-d{seconds}s", "--latency"]
        if cookie:
            command += ["-H", f"Cookie: {cookie}"]
        output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
        latency = {}
        for pct, value, unit in re.findall(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M):
            latency[f"p{pct}_ms"] = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
        if non2xx:
            self.notes.append(f"wrk saw {non2xx.group(1)} non-2xx responses from {url}.")
        return {"rps": rps, **latency}

    # ---- 4 connections -----------------------------------------------------------------------
    def bench_connections(self) -> None:
        p = self.profile
        steps = list(p["steps"])
        storm_n = p["storm"]
        # A connection takes one descriptor in the load generator and one in the server.
        room_for = max(self.fd_limit - 200, 100)
        if self.args.max_connections:
            room_for = min(room_for, self.args.max_connections)
        if steps[-1] > room_for:
            scale = room_for / steps[-1]
            steps = [max(int(s * scale) // 100 * 100, 100) for s in steps]
            storm_n = min(storm_n, steps[-1])
            self.notes.append(
                f"Connection counts scaled down to {steps} (file-descriptor limit {self.fd_limit})."
            )
        room_size = 100
        rooms_needed = steps[-1] // room_size
        spec = [{"tag": f"conn{k}", "members": room_size} for k in range(rooms_needed)]
        rooms = self.fixtures(self.embedded_env, "rooms", "--spec", json.dumps(spec))
        memory: dict[str, list[dict]] = {"bare": [], "ours": []}
        storms: dict[str, list[dict]] = {"bare": [], "ours": []}
        for _r in range(p["repeats"]):
            for name in ("bare", "ours"):
                proc = self.bare_ws() if name == "bare" else self.daphne(self.embedded_env, "conn")
                try:
                    mem, storm = asyncio.run(
                        self._memory_and_storm(proc, rooms, steps, storm_n, name == "bare")
                    )
                    memory[name].append(mem)
                    storms[name].append(storm)
                finally:
                    self.stop(proc)
                m, s = memory[name][-1], storms[name][-1]
                self.log(
                    f"connections {name}: "
                    + ", ".join(f"{k}: {v['kib_per_connection']:.1f} KiB/conn" for k, v in m.items())
                    + f"; storm of {s['clients']}: back in {s['all_back_s'] or float('nan'):.2f}s, "
                    + f"p50 {s['p50_back_s'] or float('nan'):.2f}s, "
                    + f"{s['failed_attempts']} failed attempts, dropped {s['dropped']}"
                )
        self.raw["connections"] = {"memory": memory, "storm": storms, "steps": steps, "room_size": room_size}
        for step in steps:
            ours = [m[str(step)]["kib_per_connection"] for m in memory["ours"]]
            base = [m[str(step)]["kib_per_connection"] for m in memory["bare"]]
            self.row(
                "4 connections",
                f"{step} idle sockets (rooms of {room_size})",
                "KiB per connection",
                ours,
                base,
                "≤ 3× bare",
                statistics.median(ratios(ours, base)) <= 3,
            )
        ours = [s["all_back_s"] for s in storms["ours"]]
        base = [s["all_back_s"] for s in storms["bare"]]
        dropped = sum(s["dropped"] for s in storms["ours"])
        self.row(
            "4 connections",
            f"reconnect storm, {storm_n} of {steps[-1]} sockets (resume)",
            "s until all are back",
            ours,
            base,
            "≤ 3 s, none dropped",
            bool(ours and None not in ours and statistics.median(ours) <= 3 and dropped == 0),
        )
        self.row(
            "4 connections",
            f"reconnect storm, {storm_n} of {steps[-1]} sockets",
            "clients dropped",
            [s["dropped"] for s in storms["ours"]],
            [s["dropped"] for s in storms["bare"]],
            "0",
            dropped == 0,
        )
        self.row(
            "4 connections",
            f"reconnect storm, {storm_n} of {steps[-1]} sockets",
            "handshakes refused or dropped, then retried",
            [s["failed_attempts"] for s in storms["ours"]],
            [s["failed_attempts"] for s in storms["bare"]],
            "",
            None,
        )
        self.row(
            "4 connections",
            f"reconnect storm, {storm_n} of {steps[-1]} sockets",
            "s until half are back",
            [s["p50_back_s"] for s in storms["ours"]],
            [s["p50_back_s"] for s in storms["bare"]],
            "",
            None,
        )

    def _targets(self, proc: Proc, rooms: list[dict], count: int, bare: bool) -> list[loadgen.Target]:
        targets = []
        for room in rooms:
            for cookie in room["cookies"]:
                if len(targets) == count:
                    return targets
                if bare:
                    targets.append(loadgen.Target(f"ws://127.0.0.1:{proc.port}/room-{room['space']}"))
                else:
                    targets.append(
                        loadgen.Target(f"ws://127.0.0.1:{proc.port}/ws/spaces/{room['space']}/", cookie)
                    )
        return targets

    async def _memory_and_storm(
        self, proc: Proc, rooms: list[dict], steps: list[int], storm_n: int, bare: bool
    ) -> tuple[dict, dict]:
        """Idle sockets in steps, resident memory after each; then the first `storm_n` of
        them drop at once and reconnect while the others stay (a blip that hits half)."""
        await quiet([proc.pid])
        base = rss_kib(proc.pid)
        everyone = self._targets(proc, rooms, steps[-1], bare)
        clients: list[loadgen.Client] = []
        memory = {}
        for step in steps:
            more = await loadgen.open_many(everyone[len(clients) : step], concurrency=50)
            clients.extend(more)
            await quiet([proc.pid])  # joins and their presence broadcasts are over
            rss = rss_kib(proc.pid)
            memory[str(step)] = {"rss_kib": rss, "base_kib": base, "kib_per_connection": (rss - base) / step}
        storm = await loadgen.storm(clients[:storm_n], timeout=20)
        await loadgen.close_many(clients)
        return memory, storm

    # ---- 5 alumni ------------------------------------------------------------------------------
    def bench_alumni(self) -> None:
        p = self.profile
        spec = [{"tag": "alumbig", "members": 5000, "online": 200}, {"tag": "alumsmall", "members": 200}]
        rooms = {x["tag"]: x for x in self.fixtures(self.embedded_env, "rooms", "--spec", json.dumps(spec))}
        server = self.daphne(self.embedded_env, "alumni")
        result = asyncio.run(self._alumni(server, rooms, p))
        self.stop(server)
        self.raw["alumni"] = result
        for metric, key in (
            ("p95 ms send → last recipient", "p95_ms"),
            ("server CPU ms per post", "cpu_ms_per_post"),
        ):
            ours = [x[key] for x in result["big"]]
            base = [x[key] for x in result["small"]]
            self.row(
                "5 alumni",
                "5,000 members, 200 online vs 200 members",
                metric,
                ours,
                base,
                "≤ 1.2×",
                statistics.median(ratios(ours, base)) <= 1.2,
            )
        self.row(
            "5 alumni",
            "200 sockets joining one room",
            "s until joined and quiet",
            [x for x in result["join_s"]["big"]],
            [x for x in result["join_s"]["small"]],
            "",
            None,
        )

    async def _alumni(self, server: Proc, rooms: dict, p: dict) -> dict:
        groups = {}
        join = {"big": [], "small": []}
        for label, tag in (("big", "alumbig"), ("small", "alumsmall")):
            room = rooms[tag]
            targets = [
                loadgen.Target(f"ws://127.0.0.1:{server.port}/ws/spaces/{room['space']}/", c)
                for c in room["cookies"]
            ]
            t0 = loadgen.now()
            groups[label] = (await loadgen.open_many(targets), room["thread"])
            await quiet([server.pid])
            join[label].append(loadgen.now() - t0)
        out = {"big": [], "small": [], "join_s": join}
        for r in range(p["repeats"]):
            for label in ("small", "big") if r % 2 == 0 else ("big", "small"):
                clients, thread = groups[label]
                cpu0 = cpu_seconds(server.pid)
                result = await loadgen.fanout(
                    clients, thread=thread, duration=p["alumni_s"], tag=f"al{label}{r}"
                )
                summary = result.summary()
                summary["cpu_ms_per_post"] = (cpu_seconds(server.pid) - cpu0) * 1000 / max(result.posts, 1)
                out[label].append(summary)
                self.log(
                    f"alumni {label}: p95 {summary['p95_ms']:.1f} ms, "
                    f"{summary['cpu_ms_per_post']:.2f} CPU ms/post"
                )
        for clients, _thread in groups.values():
            await loadgen.close_many(clients)
        return out

    # ---- report --------------------------------------------------------------------------------
    def machine(self) -> dict:
        model = ""
        try:
            model = next(
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            )
        except (OSError, StopIteration):
            pass
        commit = (
            os.environ.get("BENCH_COMMIT")
            or subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
            ).stdout.strip()
        )
        dirty = not os.environ.get("BENCH_COMMIT") and bool(
            subprocess.run(
                ["git", "status", "--porcelain", "--untracked-files=no"],
                cwd=ROOT,
                capture_output=True,
                text=True,
            ).stdout.strip()
        )
        return {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "cpu": model,
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
            "python": platform.python_version(),
            "commit": commit + (" (with uncommitted changes)" if dirty else ""),
            "pinned": self.pinned,
            "server": self.args.server,
            "profile": "quick" if self.args.quick else "full" if self.args.full else "default",
            "repeats": self.profile["repeats"],
        }

    def write(self) -> None:
        info = self.machine()
        info["seconds"] = round(time.monotonic() - self.started)
        RESULTS.mkdir(parents=True, exist_ok=True)
        payload = {
            "machine": info,
            "profile": self.profile,
            "rows": self.rows,
            "notes": self.notes,
            "raw": self.raw,
        }
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        name = f"{stamp}-{self.args.tag}" if self.args.tag else stamp
        (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=1, default=str))
        self.result_file = RESULTS / f"{name}.json"
        table = render(payload)
        if self.args.no_doc:
            print(table)
            return
        (RESULTS / "latest.json").write_text(json.dumps(payload, indent=1, default=str))
        text = DOC.read_text() if DOC.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
        if BEGIN not in text:
            text += f"\n{BEGIN}\n{END}\n"
        head, rest = text.split(BEGIN, 1)
        _old, tail = rest.split(END, 1)
        DOC.write_text(f"{head}{BEGIN}\n{table}\n{END}{tail}")
        self.log(f"table written to {DOC.relative_to(ROOT)}; figures in bench/results/{stamp}.json")


def fmt(value: float | None) -> str:
    if value is None:
        return "–"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def cell(s: dict | None, suffix: str = "") -> str:
    if not s:
        return "–"
    if s["n"] == 1 or s["min"] == s["max"]:
        return f"{fmt(s['median'])}{suffix}"
    return f"{fmt(s['median'])}{suffix} ({fmt(s['min'])}–{fmt(s['max'])})"


def render(payload: dict) -> str:
    m = payload["machine"]
    lines = [
        f"Last run: {m['date']}, commit {m['commit']}, profile `{m['profile']}` ({m['repeats']} repeat(s)), "
        f"{m['seconds']} s. Machine: {m['cpus']} × {m['cpu'] or 'unknown CPU'}, Python {m['python']}, "
        f"load average at the end {', '.join(f'{x:.2f}' for x in m['load_average'])}; "
        + ("servers pinned to CPU 0, load generator to CPU 1." if m["pinned"] else "no CPU pinning."),
        "",
        "Each cell: median (min–max) over the repeats. Ratio = ours ÷ baseline, paired run by run.",
        "",
        "| benchmark | case | metric | ours | baseline | ratio | target | meets |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in payload["rows"]:
        meets = {True: "yes", False: "**no**", None: ""}[row["meets"]]
        lines.append(
            f"| {row['bench']} | {row['case']} | {row['metric']} | {cell(row['ours'])} "
            f"| {cell(row['baseline'])} "
            f"| {cell(row['ratio'], '×')} | {row['target']} | {meets} |"
        )
    if payload["notes"]:
        lines += ["", *[f"- {note}" for note in payload["notes"]]]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="one repeat, short runs, fewer connections")
    parser.add_argument("--full", action="store_true", help="the issue's durations (60 s fan-out runs)")
    parser.add_argument(
        "--only", default=",".join(BENCHES), help=f"comma-separated subset of {','.join(BENCHES)}"
    )
    parser.add_argument(
        "--max-connections", type=int, default=0, help="cap the connection counts (file descriptors)"
    )
    parser.add_argument(
        "--concurrency", type=int, default=4, help="posts in flight in the pipeline benchmark"
    )
    parser.add_argument(
        "--postgres",
        default="",
        help="server URL without a database (default postgres://postgres@127.0.0.1:5432)",
    )
    parser.add_argument(
        "--no-scaleout", action="store_true", help="embedded mode only (no PostgreSQL or Redis)"
    )
    parser.add_argument("--tag", default="", help="suffix for the results file (experiments)")
    parser.add_argument(
        "--no-doc", action="store_true", help="print the table instead of writing docs/performance.md"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the scratch directory and the PostgreSQL database"
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="migrate afresh instead of copying cached templates"
    )
    parser.add_argument(
        "--sqlite-conn-max-age",
        type=int,
        default=None,
        metavar="SECONDS",
        help="experiment: keep embedded-mode SQLite connections open (settings close them after each use)",
    )
    parser.add_argument(
        "--server",
        choices=("daphne", "uvicorn"),
        default="daphne",
        help="experiment: serve the application with uvicorn (pip install uvicorn) instead of daphne",
    )
    args = parser.parse_args()
    if args.server == "uvicorn" and importlib.util.find_spec("uvicorn") is None:
        parser.error("--server uvicorn needs uvicorn: .venv/bin/pip install -e '.[bench]'")
    chosen = [b.strip() for b in args.only.split(",") if b.strip()]
    unknown = set(chosen) - set(BENCHES)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    bench = Bench(args)
    failed = []
    try:
        bench.setup()
        if "reading" in chosen or "pipeline" in chosen:
            bench.prepare_reading()
        for name in BENCHES:
            if name in chosen:
                bench.log(f"— {name} —")
                try:
                    getattr(bench, f"bench_{name}")()
                except Exception:
                    failed.append(name)
                    bench.notes.append(f"{name} failed: {traceback.format_exc(limit=3).splitlines()[-1]}")
                    traceback.print_exc()
        bench.write()
    finally:
        bench.teardown()
    result_file = getattr(bench, "result_file", None)
    if result_file is not None and not args.no_doc:
        print("\n" + render(json.loads(result_file.read_text())))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
