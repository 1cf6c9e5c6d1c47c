"""A message to 2,000 attendees: the time the planner's request takes to queue it, and the time
until the task worker (`manage.py db_worker`) has sent every email to a local SMTP server.

On PostgreSQL; the web request runs under gunicorn as the README deploys it, the worker as its
own process, the SMTP server (Python's smtpd, a test sink) in this one. Targets (issue "The
planner's desk"): queueing under 5 s, the web process never blocked (the request answers once the
message is queued, not sent).

Env: BENCH_RECIPIENTS (default 2000)."""

import asyncore
import json
import os
import smtpd
import subprocess
import sys
import threading
import time
import warnings

from harness import ROOT, bench_env, fresh_database, gunicorn_process, manage, table

warnings.filterwarnings("ignore", category=DeprecationWarning)

RECIPIENTS = int(os.environ.get("BENCH_RECIPIENTS", "2000"))


class Sink(smtpd.SMTPServer):
    received = 0

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        Sink.received += len(rcpttos)


def main():
    sink = Sink(("127.0.0.1", 0), None)
    smtp_port = sink.socket.getsockname()[1]
    threading.Thread(target=asyncore.loop, kwargs={"timeout": 0.1}, daemon=True).start()

    url = fresh_database("summit_bench_messages")
    env = bench_env(
        url,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_USE_TLS="0",
    )
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--summit", "msg", "--attendees", str(RECIPIENTS), "--capacity", str(RECIPIENTS))
    token = (
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "create_staff",
                "planner@example.org",
                "--summit",
                "msg",
                "--role",
                "planner",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    # The registration emails of the seeding are not part of this: start from an empty queue.
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django_tasks_db.models import DBTaskResult; "
            "DBTaskResult.objects.all().delete()",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "summit.settings"},
        check=True,
    )
    import http.client

    body = {
        "subject_en": "Parking",
        "body_en": "Park in lot B.",
        "subject_es": "Estacionamiento",
        "body_es": "Estacione en el lote B.",
        "audience": {"status": ["confirmed", "waitlisted"]},
        "send": True,
    }
    with gunicorn_process(env, workers=4, threads=1, worker_class="sync") as (_server, port):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        started = time.perf_counter()
        conn.request(
            "POST",
            "/api/summits/msg/messages/",
            body=json.dumps(body),
            headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
        )
        response = conn.getresponse()
        answer = json.loads(response.read())
        queued_s = time.perf_counter() - started
        assert response.status == 201, answer
        # While the worker sends, the web process still answers at once.
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        worker_started = time.perf_counter()
        probe_ms = []
        try:
            while Sink.received < answer["count"] and time.perf_counter() - worker_started < 600:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                t = time.perf_counter()
                probe.request("GET", "/api/summits/msg/")
                probe.getresponse().read()
                probe_ms.append((time.perf_counter() - t) * 1000)
                time.sleep(0.2)
            sent_s = time.perf_counter() - worker_started
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    table(
        [
            "recipients",
            "queued in s (the request)",
            "all sent in s (worker)",
            "emails received",
            "web answer during sending, max ms",
        ],
        [[answer["count"], f"{queued_s:.2f}", f"{sent_s:.1f}", Sink.received, f"{max(probe_ms or [0]):.0f}"]],
    )
    met = queued_s < 5 and Sink.received == answer["count"]
    print(f"\nTarget: queued under 5 s, every email sent: {'met' if met else 'NOT met'}.")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
