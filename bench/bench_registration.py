"""Registrations per second and latency under gunicorn on PostgreSQL, the seats confirmed (never
more than the capacity) and the CPU a request costs the server (gunicorn's workers) and
PostgreSQL.

A round, at 16 and then at 64 clients, runs 1,500 registrations against a summit of its own (350
seats, fresh), so every round has the same mix: 350 confirmed, the rest waitlisted. The table
gives each round's figures and their medians: this machine's speed drifts by a fifth from one
minute to the next.

Gunicorn runs as the README deploys it: `--workers 4`, sync workers, each serving one request
per connection (behind nginx, which opens a connection to gunicorn per request). The load
generator therefore connects once per request.

Env: BENCH_ROUNDS (default 3), BENCH_REQUESTS (per run, default 1500), BENCH_WORKERS (default
4), BENCH_WORKER_CLASS (default sync; `gthread` keeps the clients' connections alive) and
BENCH_THREADS (gthread's threads per worker, default 1).
Targets (issue "One seat path"): at least 250 registrations/s at 64 clients, p99 under 250 ms,
zero oversold."""

import json
import os
import statistics
import sys

from harness import (
    bench_env,
    cpu_per_request,
    cpu_split,
    fresh_database,
    gunicorn_process,
    manage,
    run_load,
    summary,
    table,
)

CAPACITY = 350
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
PER_RUN = int(os.environ.get("BENCH_REQUESTS", "1500"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
THREADS = int(os.environ.get("BENCH_THREADS", "1"))
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "sync")
CLIENTS = (16, 64)


def registrations(slug, clients, round_number):
    return [
        (
            "POST",
            f"/api/summits/{slug}/registrations/",
            {
                "first_name": f"P{i}",
                "email": f"r{clients}-{round_number}-{i}@example.org",
                "sector": "resident",
                "ticket_type": "community-resident",
                "group_preferences": ["housing", "transit"],
            },
        )
        for i in range(PER_RUN)
    ]


def measure(server, port, requests, clients, expected_status=201):
    before = cpu_split(server)
    seconds, latencies, results = run_load(port, requests, clients=clients)
    cpu = cpu_per_request(before, cpu_split(server), len(requests), keys=("server", "postgres", "client"))
    figures = summary(seconds, latencies, len(requests))
    figures["errors"] = sum(1 for status, _ in results if status != expected_status)
    figures["server_cpu"], figures["postgres_cpu"], figures["client_cpu"] = cpu
    figures["results"] = results
    return figures


def main():
    url = fresh_database("summit_bench_registration")
    env = bench_env(url)
    manage(env, "migrate", "--noinput")
    slugs = {(clients, r): f"bench-{clients}-{r}" for clients in CLIENTS for r in range(1, ROUNDS + 1)}
    for slug in slugs.values():
        manage(env, "seed_demo", "--summit", slug, "--attendees", "0", "--capacity", str(CAPACITY))
    rows, medians = [], []
    print(
        f"gunicorn {WORKER_CLASS}, {WORKERS} workers"
        f"{f' x {THREADS} threads' if WORKER_CLASS == 'gthread' else ''}; {ROUNDS} rounds of {PER_RUN} requests "
        f"per run; load average before: {os.getloadavg()[0]:.2f}"
    )
    runs = {clients: [] for clients in CLIENTS}
    with gunicorn_process(env, workers=WORKERS, threads=THREADS, worker_class=WORKER_CLASS) as (server, port):
        # Warm up every worker's connection.
        for slug in slugs.values():
            run_load(port, [("GET", f"/api/summits/{slug}/", None)] * 16, clients=16)
        for r in range(1, ROUNDS + 1):
            for clients in CLIENTS:
                reg = measure(server, port, registrations(slugs[clients, r], clients, r), clients)
                reg["confirmed"] = sum(
                    1
                    for status, body in reg.pop("results")
                    if status == 201 and json.loads(body)["status"] == "confirmed"
                )
                runs[clients].append(reg)
                rows.append(_row(f"round {r}, {clients} clients", reg))
    for clients in CLIENTS:
        medians.append(_row(f"median, {clients} clients", _median(runs[clients])))

    import psycopg

    oversold = 0
    with psycopg.connect(url) as conn:
        for slug in slugs.values():
            held = conn.execute(
                "SELECT count(*) FROM registrations_registration r JOIN summit_summit s ON s.id = r.summit_id "
                "WHERE s.slug = %s AND r.status = 'confirmed'",
                [slug],
            ).fetchone()[0]
            oversold += max(held - CAPACITY, 0)
    header = [
        "run",
        "requests",
        "req/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "server CPU ms/req",
        "PostgreSQL CPU ms/req",
        "load generator CPU ms/req",
        "confirmed",
    ]
    table(header, rows)
    print()
    table(header, medians)
    print(
        f"\nSeats: {len(slugs)} summits of {CAPACITY}, each confirmed at most {CAPACITY}: "
        f"oversold {oversold} in all."
    )
    at_64 = _median(runs[64])
    met = at_64["rps"] >= 250 and at_64["p99"] < 250 and not oversold
    print(
        f"Target at 64 clients: >= 250 registrations/s, p99 < 250 ms, 0 oversold: "
        f"{at_64['rps']:.0f}/s, p99 {at_64['p99']:.0f} ms, oversold {oversold}: {'met' if met else 'NOT met'}."
    )
    return 1 if oversold else 0


def _median(runs):
    figures = {
        key: statistics.median(run[key] for run in runs)
        for key in ("rps", "p50", "p99", "errors", "server_cpu", "postgres_cpu", "client_cpu")
    }
    figures["confirmed"] = max(run["confirmed"] for run in runs)
    return figures


def _row(label, figures):
    return [
        label,
        PER_RUN,
        f"{figures['rps']:.0f}",
        f"{figures['p50']:.1f}",
        f"{figures['p99']:.1f}",
        f"{figures['errors']:g}",
        f"{figures['server_cpu']:.1f}",
        f"{figures['postgres_cpu']:.1f}",
        f"{figures['client_cpu']:.1f}",
        figures.get("confirmed", ""),
    ]


if __name__ == "__main__":
    sys.exit(main())
