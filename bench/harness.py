"""Shared pieces for benchmarks that drive Summit under gunicorn on PostgreSQL over loopback."""

import contextlib
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_database(name):
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG}/{name}"


def bench_env(database_url, **extra):
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-secret-key-" + "x" * 40,
        "BADGE_SECRET": "bench-badge-secret-" + "y" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "RATE_LIMITS": "off",
        "CONN_MAX_AGE": "600",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        # As in production: emails and other background work are queued for the worker.
        "TASKS_BACKEND": "database",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


@contextlib.contextmanager
def gunicorn(env, *, app="summit.wsgi", workers=4, threads=4):
    with gunicorn_process(env, app=app, workers=workers, threads=threads) as (_process, port):
        yield port


@contextlib.contextmanager
def gunicorn_process(env, *, app="summit.wsgi", workers=4, threads=4, worker_class="gthread"):
    """Like gunicorn(), yielding (master process, port): fault scenarios kill its workers.
    worker_class "sync" (the README's deployment) serves one request per connection and ignores
    `threads`."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            *(["--threads", str(threads)] if worker_class == "gthread" else []),
            "--log-level",
            "warning",
            "--backlog",
            "2048",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield process, port
    finally:
        process.terminate()
        process.wait(timeout=30)


def run_load(port, requests, *, clients, headers=None):
    """Send `requests` [(method, path, body)] from `clients` keep-alive connections.
    Returns (seconds, latencies in ms, [(status, body)])."""
    queue = list(enumerate(requests))
    lock = threading.Lock()
    results = [None] * len(requests)
    latencies = []

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                index, (method, path, body) = queue.pop()
            payload = json.dumps(body).encode() if body is not None else None
            started = time.perf_counter()
            try:
                conn.request(
                    method,
                    path,
                    body=payload,
                    headers={"Content-Type": "application/json", **(headers or {})},
                )
                response = conn.getresponse()
                data = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status, data = 0, str(error).encode()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
            results[index] = (status, data)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, results


def percentile(values, q):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def summary(seconds, latencies, count):
    return {
        "rps": count / seconds if seconds else 0,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p99": percentile(latencies, 99),
    }


def table(header, rows):
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")


def _cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def cpu_split(server):
    """CPU seconds used so far by gunicorn's workers (children of `server`, a Popen) and by all
    PostgreSQL processes (Linux /proc; None elsewhere). Differences over a run, divided by its
    requests, say where a request's CPU goes."""
    try:
        workers = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        postgres = 0.0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if stat.read_text().split("(", 1)[1].startswith("postgres)"):
                    postgres += _cpu_seconds(stat.parent.name)
            except (OSError, IndexError):
                continue
        return {
            "server": sum(_cpu_seconds(pid) for pid in workers),
            "postgres": postgres,
            "client": time.process_time(),  # this process: the load generator's threads
        }
    except (OSError, ValueError, IndexError):
        return None


def cpu_per_request(before, after, count, keys=("server", "postgres")):
    """(server ms, PostgreSQL ms) per request between two cpu_split() readings; `keys` may add
    "client" (the load generator, which shares the machine's cores)."""
    if not before or not after:
        return tuple(float("nan") for _ in keys)
    return tuple((after[key] - before[key]) * 1000 / count for key in keys)
