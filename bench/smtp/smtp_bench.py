#!/usr/bin/env python3
"""Bastion beside a private Postfix on loopback: inbound SMTP throughput (smtp-source, one connection per
message), time until every message is in its mailbox, CPU per message, smtp-sink as the ceiling, and the
memory that idle connections cost. Run through bench/smtp-vs-postfix.sh, which installs and builds first.

Every wait here is bounded; every address is 127.0.0.1.
"""
import argparse
import glob
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
SENDER = "bench@sender.bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_banner(port: int, limit: float, alive=lambda: True) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError(f"server on port {port} exited during start")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                if s.recv(512).startswith(b"220"):
                    s.sendall(b"QUIT\r\n")
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"no SMTP banner on port {port} after {limit}s")


def stat_fields(pid: int) -> list:
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    return text[text.rindex(")") + 2:].split()  # fields from "state" on (index 0 = field 3)


def cpu_ticks(pid: int, children: bool = False) -> int:
    f = stat_fields(pid)
    ticks = int(f[11]) + int(f[12])  # utime, stime
    if children:
        ticks += int(f[13]) + int(f[14])  # cutime, cstime of reaped children
    return ticks


def session_pids(sid: int) -> list:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if int(stat_fields(int(entry))[3]) == sid:
                    pids.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return pids


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * PAGE


def pss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class Bastion:
    name = "Bastion"

    def __init__(self, root: str, jar: str, java: str, java_opts: list):
        self.dir = os.path.join(root, "bastion")
        os.makedirs(self.dir)
        self.port = free_port()
        self.dns_port = free_port()
        self.rcpt = "bench@bastion.bench"
        self.jar, self.java, self.java_opts = jar, java, java_opts
        self.config = os.path.join(self.dir, "bastion.toml")
        with open(self.config, "w") as f:
            f.write(f"""hostname = "mx.bastion.bench"
data_dir = "{self.dir}/data"
domains = ["bastion.bench"]

[listen]
smtp = "127.0.0.1:{self.port}"

[dns]
# a loopback stub that answers NXDOMAIN at once: no lookup leaves the machine
servers = ["127.0.0.1:{self.dns_port}"]
timeout = 2
dnssec = false

[defence]
# raised for the idle-connection run (loopback is exempt from the per-address limits anyway)
max_connections = 20000
max_connections_per_ip = 20000
connection_rate_per_ip = 1000000
""")
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        self.dns = subprocess.Popen([sys.executable, os.path.join(HERE, "dns_stub.py"), str(self.dns_port)],
                                    stdout=self.log, stderr=subprocess.STDOUT)
        subprocess.run(self.cli("user", "add", self.rcpt, "--password-stdin", "--quota", str(1 << 50)),
                       input=b"bench password\n", check=True, stdout=subprocess.DEVNULL, timeout=120)
        self.proc = None

    def cli(self, *args) -> list:
        return [self.java, *self.java_opts, "-jar", self.jar, *args, "--config", self.config]

    def start(self) -> None:
        self.proc = subprocess.Popen(self.cli("serve"), stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        wait_banner(self.port, 120, lambda: self.proc.poll() is None)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.dns.poll() is None:
            self.dns.terminate()
            self.dns.wait(10)

    def cpu(self) -> int:
        return cpu_ticks(self.proc.pid)

    def delivered(self) -> int:
        db = glob.glob(os.path.join(self.dir, "data", "**", "index.db"), recursive=True)
        if not db:
            return 0
        for _ in range(20):
            try:
                con = sqlite3.connect(f"file:{db[0]}?mode=ro", uri=True, timeout=5)
                try:
                    return con.execute("SELECT count(*) FROM messages").fetchone()[0]
                finally:
                    con.close()
            except sqlite3.OperationalError:
                time.sleep(0.1)
        raise RuntimeError("cannot read Bastion's index")

    def memory(self) -> int:
        return rss_bytes(self.proc.pid)


class Postfix:
    name = "Postfix"

    def __init__(self, root: str):
        self.dir = os.path.join(root, "postfix")
        os.makedirs(self.dir)
        self.port = free_port()
        self.rcpt = "bench@postfix.bench"
        self.script = os.path.join(HERE, "postfix-instance.sh")
        self.master = None

    def start(self, processes: int = 100) -> None:
        subprocess.run([self.script, "start", self.dir, str(self.port), str(processes)], check=True,
                       stdout=subprocess.DEVNULL, timeout=120)
        pid_file = os.path.join(self.dir, "queue", "pid", "master.pid")
        deadline = time.monotonic() + 30
        while not os.path.exists(pid_file) and time.monotonic() < deadline:
            time.sleep(0.2)
        with open(pid_file) as f:
            self.master = int(f.read().strip())
        wait_banner(self.port, 60)

    def stop(self) -> None:
        subprocess.run([self.script, "stop", self.dir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=60)
        deadline = time.monotonic() + 30
        while self.master and os.path.exists(f"/proc/{self.master}") and time.monotonic() < deadline:
            time.sleep(0.2)

    def cpu(self) -> int:
        # master(8) calls setsid(): every Postfix process is in its session; the ones that exited were
        # reaped by master, whose cutime/cstime hold them
        sid = int(stat_fields(self.master)[3])
        total = 0
        for pid in session_pids(sid):
            try:
                total += cpu_ticks(pid, children=(pid == self.master))
            except OSError:
                pass
        return total

    def delivered(self) -> int:
        return len(os.listdir(os.path.join(self.dir, "mail", "bench", "new"))) \
            if os.path.isdir(os.path.join(self.dir, "mail", "bench", "new")) else 0

    def clean_mailbox(self) -> None:
        new = os.path.join(self.dir, "mail", "bench", "new")
        if os.path.isdir(new):
            for name in os.listdir(new):
                os.unlink(os.path.join(new, name))

    def memory(self) -> int:
        sid = int(stat_fields(self.master)[3])
        return sum(pss_bytes(pid) for pid in session_pids(sid))


class Sink:
    name = "smtp-sink"

    def __init__(self):
        self.port = free_port()
        self.rcpt = "bench@sink.bench"
        self.proc = None

    def start(self) -> None:
        self.proc = subprocess.Popen(["smtp-sink", "-u", "postfix", f"127.0.0.1:{self.port}", "1024"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_banner(self.port, 30, lambda: self.proc.poll() is None)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def cpu(self) -> int:
        return cpu_ticks(self.proc.pid)

    def delivered(self) -> int:
        return -1  # nothing is kept


def run_load(server, size: int, sessions: int, count: int, drain_limit: float) -> dict:
    before = server.delivered()
    cpu0 = server.cpu()
    t0 = time.monotonic()
    src = subprocess.run(["smtp-source", "-m", str(count), "-s", str(sessions), "-l", str(size),
                          "-f", SENDER, "-t", server.rcpt, "-M", "client.bench", f"127.0.0.1:{server.port}"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    t1 = time.monotonic()
    done = t1
    got = count
    if before >= 0:
        deadline = t1 + drain_limit
        while True:
            got = server.delivered() - before
            if got >= count or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        done = time.monotonic()
    cpu1 = server.cpu()
    problems = src.stdout.decode(errors="replace").strip()
    return {
        "accept_rate": count / (t1 - t0),
        "mailbox_rate": count / (done - t0) if got >= count else 0.0,
        "drain": done - t1,
        "cpu_ms": (cpu1 - cpu0) * 1000.0 / CLK_TCK / count,
        "delivered": got,
        "problems": problems[-300:] if (src.returncode != 0 or problems) else "",
    }


def idle_memory(server, n: int, settle: float) -> tuple:
    before = server.memory()
    client = subprocess.Popen([sys.executable, os.path.join(HERE, "idle_clients.py"), "127.0.0.1",
                               str(server.port), str(n), "180"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        line = client.stdout.readline().decode().split()
        opened, banners = int(line[1]), int(line[2])
        time.sleep(settle)
        during = server.memory()
    finally:
        try:
            client.stdin.write(b"\n")
            client.stdin.close()
        except OSError:
            pass
        client.wait(60)
    return before, during, banners


def launcher_jvm_opts() -> str:
    """The JVM options of ./bastion (its default_jvm_opts line)."""
    with open(os.path.join(HERE, "..", "..", "bastion")) as f:
        for line in f:
            if line.startswith('default_jvm_opts="'):
                return line.strip()[len('default_jvm_opts="'):-1]
    raise RuntimeError("no default_jvm_opts in ./bastion")


def median(values):
    return statistics.median(values) if values else float("nan")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--jar", required=True)
    p.add_argument("--java", default=os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java"))
    p.add_argument("--java-opts", default=os.environ.get("BASTION_JAVA_OPTS") or launcher_jvm_opts())
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--scale", type=float, default=1.0, help="multiplies every message count")
    p.add_argument("--sizes", default="5120,102400")
    p.add_argument("--sessions", default="1,20,100")
    p.add_argument("--idle", default="1000,10000", help="idle connection counts for Bastion ('' skips)")
    p.add_argument("--postfix-idle", default="1000", help="idle connection counts for Postfix (one smtpd each)")
    p.add_argument("--only", default="Bastion,Postfix,smtp-sink")
    p.add_argument("--out", default=None)
    p.add_argument("--keep", action="store_true", help="keep the temporary directory")
    a = p.parse_args()

    root = tempfile.mkdtemp(prefix="bastion-bench-")
    os.chmod(root, 0o755)
    started = datetime.now(timezone.utc)
    servers = []
    raw = []
    results = {}
    idle = []
    try:
        only = a.only.split(",")
        all_servers = [Bastion(root, a.jar, a.java, a.java_opts.split()), Postfix(root), Sink()]
        servers = [s for s in all_servers if s.name in only]
        for s in servers:
            s.start()
        # warm up (JIT, page cache, Postfix's process pools); not counted
        for s in servers:
            run_load(s, 5120, 20, int(400 * a.scale) or 20, 120)
        sizes = [int(x) for x in a.sizes.split(",")]
        sessions = [int(x) for x in a.sessions.split(",")]
        for rep in range(a.repeats):
            order = servers if rep % 2 == 0 else list(reversed(servers))
            for size in sizes:
                for sess in sessions:
                    base = 150 if sess == 1 else (1500 if size <= 8192 else 800)
                    count = max(10, int(base * a.scale))
                    for s in order:
                        if isinstance(s, Postfix):
                            s.clean_mailbox()
                        r = run_load(s, size, sess, count, drain_limit=max(60.0, count / 20))
                        r.update(server=s.name, size=size, sessions=sess, count=count, repeat=rep)
                        raw.append(r)
                        results.setdefault((size, sess, s.name), []).append(r)
                        print(f"rep {rep} {s.name:9} {size // 1024:>4} KiB x{sess:<3} {count:5} msgs: "
                              f"{r['accept_rate']:7.0f} msg/s accepted, {r['mailbox_rate']:7.0f} msg/s in mailbox, "
                              f"{r['cpu_ms']:6.2f} ms CPU/msg {r['problems'][:120]}", flush=True)
        for s in servers:
            if isinstance(s, Bastion) and a.idle:
                for n in [int(x) for x in a.idle.split(",")]:
                    before, during, banners = idle_memory(s, n, 3.0)
                    idle.append(("Bastion", n, before, during, banners))
                    print(f"Bastion {n} idle: {before >> 20} MiB -> {during >> 20} MiB ({banners} banners)", flush=True)
                    time.sleep(2)
            if isinstance(s, Postfix) and a.postfix_idle:
                for n in [int(x) for x in a.postfix_idle.split(",")]:
                    s.stop()
                    s.start(processes=n + 10)
                    before, during, banners = idle_memory(s, n, 3.0)
                    idle.append(("Postfix", n, before, during, banners))
                    print(f"Postfix {n} idle: {before >> 20} MiB -> {during >> 20} MiB ({banners} banners)", flush=True)
    finally:
        for s in servers:
            try:
                s.stop()
            except Exception as e:  # keep stopping the others
                print(f"stopping {s.name}: {e}", file=sys.stderr)
        if not a.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print(f"kept {root}")

    report = render(a, started, results, idle, raw)
    print(report)
    out = a.out or os.path.join(HERE, "..", "results", f"smtp-vs-postfix-{started:%Y%m%d-%H%M}.md")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        f.write(report)
    print(f"written to {os.path.normpath(out)}")


def render(a, started, results, idle, raw) -> str:
    def med(size, sess, name, key):
        rs = results.get((size, sess, name), [])
        return median([r[key] for r in rs]) if rs else float("nan")

    def ratio(x, y):
        return f"{x / y:.2f}" if y and y == y and x == x and y > 0 else "-"

    java = subprocess.run([a.java, "-version"], stderr=subprocess.PIPE).stderr.decode().splitlines()[0]
    lines = [f"# Bastion beside Postfix: {started:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
             f"{a.repeats} repeats (medians), {java}",
             f"# Bastion JVM options: {a.java_opts}", "",
             "Accepted: messages/s while smtp-source ran (one connection per message, the 250 after fsync).",
             "In mailbox: messages/s from the first connection until the last message was in its mailbox.",
             "CPU: the server's utime+stime per message until then (Postfix: every process of the instance).", "",
             "| size | sessions | Bastion msg/s | Postfix msg/s | ratio | sink msg/s | Bastion in mailbox | "
             "Postfix in mailbox | ratio | Bastion CPU ms/msg | Postfix CPU ms/msg | ratio |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    sizes = sorted({k[0] for k in results})
    sessions = sorted({k[1] for k in results})
    for size in sizes:
        for sess in sessions:
            b, pf, sk = (med(size, sess, n, "accept_rate") for n in ("Bastion", "Postfix", "smtp-sink"))
            bm, pm = (med(size, sess, n, "mailbox_rate") for n in ("Bastion", "Postfix"))
            bc, pc = (med(size, sess, n, "cpu_ms") for n in ("Bastion", "Postfix"))
            lines.append(f"| {size // 1024} KiB | {sess} | {b:.0f} | {pf:.0f} | {ratio(b, pf)} | {sk:.0f} | {bm:.0f} | "
                         f"{pm:.0f} | {ratio(bm, pm)} | {bc:.2f} | {pc:.2f} | {ratio(bc, pc)} |")
    if idle:
        lines += ["", "Idle connections (after the banner): Bastion RSS of the JVM; Postfix PSS summed over its "
                  "processes (one smtpd per connection).", "",
                  "| idle connections | server | before (MiB) | with them (MiB) | banners |", "|---|---|---|---|---|"]
        for name, n, before, during, banners in idle:
            lines.append(f"| {n} | {name} | {before / 2**20:.0f} | {during / 2**20:.0f} | {banners} |")
    lines += ["", "Raw runs:", "", "```"]
    for r in raw:
        lines.append(f"rep {r['repeat']} {r['server']:9} {r['size']:>6} B x{r['sessions']:<3} {r['count']:5}: "
                     f"accepted {r['accept_rate']:.0f}/s, in mailbox {r['mailbox_rate']:.0f}/s "
                     f"(drain {r['drain']:.2f}s, {r['delivered']} delivered), CPU {r['cpu_ms']:.3f} ms/msg"
                     + (f" [{r['problems'][:200]}]" if r["problems"] else ""))
    lines.append("```")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    main()
