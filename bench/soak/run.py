"""Soak: the whole Procfile set (honcho: web, WORKERS workers, one scheduler) against PostgreSQL
and Redis, with MONITORS HTTP monitors for DURATION seconds.

Reports checks done versus planned, schedule lag p50/p99 (from /metrics), results lost (probes the
target answered that were not recorded; must be 0), checks recorded twice, and the memory (RSS) of
every process at the start and the end. It starts a private redis-server and database of its own.

    flock /tmp/pulseguard-bench.lock .venv/bin/python bench/soak/run.py --monitors 2000 \
        --workers 2 --interval 30 --duration 600
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.ops.stack import PrivateDatabase, PrivateRedis, free_port, wait_for  # noqa: E402

ADMIN_PASSWORD = "soak-admin-password-123"


def descendants(root_pid):
    """Return [(pid, command line)] of every process below root_pid."""
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    found, todo = [], list(children.get(root_pid, []))
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            found.append(
                (pid, Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode())
            )
        except OSError:
            continue
    return found


def parent(pid):
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def rss_by_process(root_pid):
    """Return {label: RSS in MiB} of the Procfile's processes below root_pid."""
    found = {}
    family = descendants(root_pid)
    web = {pid for pid, cmd in family if describe(cmd) == "web (gunicorn)"}
    for pid, cmd in family:
        label = describe(cmd)
        if label and label.startswith("web"):
            label = "web worker" if parent(pid) in web else "web master"
        try:
            rss_kb = next(
                int(line.split()[1])
                for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                if line.startswith("VmRSS:")
            )
        except (OSError, StopIteration):
            continue
        if label:
            found[f"{label} [{pid}]"] = rss_kb / 1024
    return dict(sorted(found.items()))


def describe(cmd):
    if cmd.startswith("/bin/sh"):
        return None  # honcho's shell wrappers
    if "gunicorn" in cmd:
        return "web (gunicorn)"
    if "worker.py" in cmd:
        return "worker"
    if "start-scheduler" in cmd or "pulseguard.jobs.scheduler" in cmd:  # it execs into the latter
        return "scheduler"
    return None


def scrape(base):
    """Return {(name, labels): value} from /metrics."""
    text = requests.get(base + "/metrics", timeout=30).text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def lag_buckets(samples):
    """Return [(upper bound, cumulative count)] of the schedule-lag histogram."""
    rows = []
    for (name, labels), value in samples.items():
        if name == "pulseguard_check_schedule_lag_seconds_bucket":
            bound = dict(labels)["le"]
            rows.append((float("inf") if bound == "+Inf" else float(bound), value))
    return sorted(rows)


def quantile(q, before, after):
    """histogram_quantile over the increase between two scrapes (linear within a bucket)."""
    start = dict(lag_buckets(before))
    rows = [(bound, count - start.get(bound, 0.0)) for bound, count in lag_buckets(after)]
    total = rows[-1][1] if rows else 0
    if not total:
        return None
    rank, lower, below = q * total, 0.0, 0.0
    for bound, cumulative in rows:
        if cumulative >= rank:
            if bound == float("inf"):
                return lower
            return lower + (bound - lower) * (rank - below) / max(cumulative - below, 1e-9)
        lower, below = bound, cumulative
    return lower


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--monitors", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--interval", type=int, default=30, help="check interval of each monitor (s)"
    )
    parser.add_argument("--duration", type=int, default=600, help="measured seconds")
    parser.add_argument("--warmup", type=int, default=60, help="seconds before measuring")
    args = parser.parse_args()

    tmp = Path(f"/tmp/pulseguard-soak-{os.getpid()}")
    tmp.mkdir(parents=True, exist_ok=True)
    redis_server = PrivateRedis(tmp / "redis").start()
    database = PrivateDatabase().create()
    target_port, web_port = free_port(), free_port()
    target = subprocess.Popen(
        [sys.executable, str(ROOT / "bench/soak/target.py"), str(target_port)]
    )
    env = os.environ | {
        "ENVIRONMENT": "production",
        "DATABASE_URL": database.url,
        "REDIS_URL": redis_server.url,
        "SECRET_KEY": "soak-secret-" + "s" * 40,
        "JWT_SECRET_KEY": "soak-jwt-secret-" + "j" * 40,
        "PORT": str(web_port),
        "HOST": "127.0.0.1",
        "WORKERS": str(args.workers),
        "LOG_DIR": str(tmp / "logs"),
        "LOG_LEVEL": "WARNING",
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    for name in ("TEST_DATABASE_URL", "TEST_REDIS_URL"):
        env.pop(name, None)
    log = open(tmp / "procfile.log", "wb")  # noqa: SIM115
    honcho = subprocess.Popen(
        ["scripts/run-prod.sh"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{web_port}"
    try:
        wait_for(lambda: requests.get(base + "/readyz", timeout=2).ok, 120, what="web")
        subprocess.run(
            ["flask", "create-user", "admin", "--password", ADMIN_PASSWORD, "--admin"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        api = requests.Session()
        token = api.post(
            base + "/api/auth/token/", json={"username": "admin", "password": ADMIN_PASSWORD}
        ).json()["access"]
        api.headers["Authorization"] = f"Bearer {token}"
        created = time.monotonic()
        for index in range(args.monitors):
            body = {
                "name": f"soak-{index}",
                "protocol": "http",
                "host": "127.0.0.1",
                "port": target_port,
                "path": f"/m/{index}",
                "check_interval": args.interval,
                "timeout": 10,
            }
            response = api.post(base + "/api/servers/", json=body, timeout=30)
            assert response.status_code == 201, response.text
        print(f"created {args.monitors} monitors in {time.monotonic() - created:.1f}s", flush=True)

        time.sleep(args.warmup)
        memory_start = rss_by_process(honcho.pid)
        before, t0 = scrape(base), time.time()
        count_sql = "SELECT count(*) FROM ping_results WHERE checked_at >= to_timestamp(%s)"
        deadline = t0 + args.duration
        api_errors = api_calls = 0
        while time.time() < deadline:  # a light API reader alongside, as users would be
            time.sleep(5)
            api_calls += 1
            try:  # a fresh connection each time: an idle kept-alive one may be closed under us
                answer = api.get(
                    base + "/api/server-status/?page_size=100",
                    headers={"Connection": "close"},
                    timeout=30,
                )
                api_errors += answer.status_code != 200
            except requests.RequestException:
                api_errors += 1
        t1 = time.time()
        after = scrape(base)
        memory_end = rss_by_process(honcho.pid)
        done = database.query(count_sql + " AND checked_at < to_timestamp(%s)", t0, t1)[0][0]
        planned = args.monitors * (t1 - t0) / args.interval

        # Stop dispatching, let the workers finish what they hold, then compare with the target.
        for pid, cmd in descendants(honcho.pid):
            if describe(cmd) == "scheduler":
                os.kill(pid, signal.SIGTERM)
        wait_for(lambda: settled(database, target_port), 120, 1, what="the last checks")
        answered = int(requests.get(f"http://127.0.0.1:{target_port}/__hits", timeout=5).text)
        recorded = database.query("SELECT count(*) FROM ping_results")[0][0]
        doubled = database.query(
            "SELECT count(*) FROM (SELECT server_id, checked_at - lag(checked_at) OVER "
            "(PARTITION BY server_id ORDER BY checked_at) AS gap FROM ping_results) g "
            "WHERE gap < %s * interval '1 second'",
            args.interval / 4,
        )[0][0]
        report(
            args,
            t1 - t0,
            done,
            planned,
            before,
            after,
            answered,
            recorded,
            doubled,
            memory_start,
            memory_end,
            api_calls,
            api_errors,
        )
    finally:
        os.killpg(honcho.pid, signal.SIGTERM)
        try:
            honcho.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)
        target.kill()
        redis_server.kill()
        database.drop()


_last = {}


def settled(database, target_port):
    """True once results and target hits have stopped moving for 10 s."""
    answered = int(requests.get(f"http://127.0.0.1:{target_port}/__hits", timeout=5).text)
    recorded = database.query("SELECT count(*) FROM ping_results")[0][0]
    now, state = time.monotonic(), (answered, recorded)
    if _last.get("state") != state:
        _last.update(state=state, since=now)
        return False
    return now - _last["since"] >= 10


def report(
    args,
    seconds,
    done,
    planned,
    before,
    after,
    answered,
    recorded,
    doubled,
    memory_start,
    memory_end,
    api_calls,
    api_errors,
):
    p50, p99 = quantile(0.5, before, after), quantile(0.99, before, after)
    print("\n== PulseGuard soak: the Procfile set under honcho, PostgreSQL + Redis")
    print(
        f"monitors {args.monitors}, interval {args.interval}s, workers {args.workers}, "
        f"measured {seconds:.0f}s after {args.warmup}s warm-up"
    )
    print(f"checks done vs planned: {done} / {planned:.0f} ({100 * done / planned:.1f}%)")
    print(f"schedule lag (from /metrics): p50 {p50:.3f}s, p99 {p99:.3f}s")
    print(f"results lost: {answered - recorded} (target answered {answered}, recorded {recorded})")
    print(f"checks recorded twice (gap < interval/4): {doubled}")
    print(f"API reads during the run: {api_calls}, errors {api_errors}")
    print("memory (RSS MiB)          start     end")
    for label in sorted(set(memory_start) | set(memory_end)):
        start, end = memory_start.get(label), memory_end.get(label)
        print(f"  {label:<24}{start or 0:>7.1f}{end or 0:>8.1f}")
    print(
        "command: flock /tmp/pulseguard-bench.lock .venv/bin/python bench/soak/run.py "
        f"--monitors {args.monitors} --workers {args.workers} --interval {args.interval} "
        f"--duration {args.duration} --warmup {args.warmup}"
    )


if __name__ == "__main__":
    main()
