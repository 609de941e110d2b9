#!/usr/bin/env python3
"""Interleaved A/B of pg-mcp images or JVM options over stdio: the dev tool behind the single-setting
figures in README ("JVM settings") and the commit messages. scripts/bench peers is the measure of record.

  scripts/ab.py first CONFIG ROUNDS CALLS NAME=IMAGE[:JAVA_OPTS] ...
      fresh processes, taking turns: cold start (spawn -> initialize answered), call 1, p50/p90/p99 of the
      first CALLS calls, RSS after them
  scripts/ab.py cpu CONFIG ROUNDS NAME=IMAGE[:JAVA_OPTS] ...
      one process per round and variant: 3,000 warm-up calls, then CPU time (utime+stime of /proc/PID/stat)
      and p50/p90 over 5,000 calls

CONFIG is a pg-mcp config whose only database has the peers table (scripts/bench peers makes one:
products(id serial primary key, name text, price numeric), 1,000 rows); the call is execute_sql of
SELECT id, name, price FROM products WHERE id = 7. Linux only (/proc). Times include this client's own.
"""
import os
import statistics
import subprocess
import sys
import time

SQL = "SELECT id, name, price FROM products WHERE id = 7"
INIT = (b'{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18",'
        b'"capabilities":{},"clientInfo":{"name":"ab","version":"1"}}}\n')


def call(i):
    return ('{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"execute_sql",'
            '"arguments":{"sql":"%s"}}}\n' % (i, SQL)).encode()


def variants(args):
    out = []
    for a in args:
        name, rest = a.split("=", 1)
        image, _, opts = rest.partition(":")
        out.append((name, image, opts))
    return out


def start(image, opts, config):
    env = dict(os.environ, PG_MCP_JAVA_OPTS=opts)
    t0 = time.perf_counter()
    p = subprocess.Popen([image + "/bin/pg-mcp", "--config", config], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, bufsize=0)
    p.stdin.write(INIT)
    if not p.stdout.readline():
        sys.exit("%s did not answer initialize" % image)
    return p, time.perf_counter() - t0


def timed(p, i):
    s = time.perf_counter()
    p.stdin.write(call(i))
    line = p.stdout.readline()
    if b"product 7" not in line:
        sys.exit("unexpected answer: %r" % line[:300])
    return time.perf_counter() - s


def status_kb(pid, field):
    for line in open("/proc/%d/status" % pid):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return -1


def cpu_seconds(pid):
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def rotation(items, r):
    k = r % len(items)
    return items[k:] + items[:k]


def first(config, rounds, calls, vs):
    res = {v[0]: {"cold": [], "c1": [], "lat": [], "rss": []} for v in vs}
    for r in range(rounds + 1):  # round 0 only fills the page cache
        for name, image, opts in rotation(vs, r):
            p, cold = start(image, opts, config)
            p.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
            lat = [timed(p, i + 1) for i in range(calls)]
            rss = status_kb(p.pid, "VmRSS") // 1024
            p.stdin.close()
            p.wait()
            if r:
                d = res[name]
                d["cold"].append(cold * 1000)
                d["c1"].append(lat[0] * 1000)
                d["lat"] += [x * 1000 for x in lat]
                d["rss"].append(rss)
    for name, _, _ in vs:
        d = res[name]
        print("%-14s cold %6.1f ms  call 1 %6.1f ms  p50 %6.3f  p90 %6.3f  p99 %6.3f ms  RSS %d MB" % (
            name, statistics.median(d["cold"]), statistics.median(d["c1"]), pct(d["lat"], .5),
            pct(d["lat"], .9), pct(d["lat"], .99), statistics.median(d["rss"])))


def cpu(config, rounds, vs):
    res = {v[0]: {"cpu": [], "p50": [], "p90": []} for v in vs}
    for r in range(rounds):
        for name, image, opts in rotation(vs, r):
            p, _ = start(image, opts, config)
            for i in range(3000):
                timed(p, i + 1)
            c0 = cpu_seconds(p.pid)
            lat = [timed(p, 3001 + i) for i in range(5000)]
            used = cpu_seconds(p.pid) - c0
            p.stdin.close()
            p.wait()
            res[name]["cpu"].append(used / 5000 * 1e6)
            res[name]["p50"].append(pct(lat, .5) * 1000)
            res[name]["p90"].append(pct(lat, .9) * 1000)
    for name, _, _ in vs:
        d = res[name]
        print("%-14s CPU per call %5.0f us (rounds: %s)  p50 %.3f  p90 %.3f ms" % (
            name, statistics.median(d["cpu"]), [round(x) for x in d["cpu"]], statistics.median(d["p50"]),
            statistics.median(d["p90"])))


if __name__ == "__main__":
    if len(sys.argv) < 5 or sys.argv[1] not in ("first", "cpu"):
        sys.exit(__doc__)
    print("load average", " ".join(open("/proc/loadavg").read().split()[:3]))
    if sys.argv[1] == "first":
        first(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), variants(sys.argv[5:]))
    else:
        cpu(sys.argv[2], int(sys.argv[3]), variants(sys.argv[4:]))
