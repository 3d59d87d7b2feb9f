"""Issue 27's four speed targets, each measured against its yardstick in alternating rounds on this machine.

  1. list generation: 10 M Czech numbers as text (and CSV) against GNU `shuf -i 0-999999999 -n 10000000`;
     target: 40 times as fast;
  2. M/M/c (data/scenarios/erlang-c.toml) in customers per second against SimPy 4 (benches/simpy_mmc.py, best
     of 5); target: 50 times;
  3. bench-day.toml at 2,000 agents against 20 agents (lines = 10 x agents), events per second; target: 0.9
     (benches/agents_ratio.rs: the two timed one after the other within each of 3 pairs a round);
  4. `dialsim filter build` of 50 M rows: rows per second (target: 10 M) and peak memory against the bitmap's
     size (target: at most 2 times).

Each round runs every yardstick and the matching dialsim measurement one after the other, so a slow minute of
the host slows both; the table gives each round's figures and the median of the rounds. The M/M/c figure
comes from the criterion bench `benches/simulate.rs` (`--output-format bencher`, time per run), with the
customers a run holds from `dialsim simulate --json` at the bench's seed.

Run from the repository (Python 3 and its standard library; SimPy, GNU `shuf` and GNU `time` for their rows):

    python3 benches/targets.py                 # 5 rounds, about 6 minutes after the build
    python3 benches/targets.py --rounds 7 --skip filter

A yardstick that is missing (no SimPy, no `shuf`) skips its row with the reason, as does `--skip NAME`
(lists, mmc, agents, filter). Files go to a temporary folder that is removed at the end (about 1.2 GB for the
50 M rows).
"""
import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROWS = ["lists", "mmc", "agents", "filter"]
LIST_N = 10_000_000
FILTER_N = 50_000_000


def run(cmd, **kw):
    """Runs `cmd`; stdout as text. A failing command stops the script with its stderr."""
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        sys.exit(f"benches/targets.py: {' '.join(cmd)} failed ({p.returncode}):\n{p.stderr}")
    return p.stdout


def timed(cmd, output):
    """Wall seconds (the clock around GNU time, whose own 10 ms steps are too coarse for a 0.25 s list) and
    peak resident KiB (GNU time's) of `cmd`, writing a new `output` (the previous round's
    removed first, outside the timing: replacing a file frees its pages within the command, about 70 ms for
    the 130 MB list on a 2-vCPU VM, which would be timed for dialsim's rename but hidden in shuf's seconds)."""
    if os.path.exists(output):
        os.remove(output)
    start = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"benches/targets.py: {' '.join(cmd)} failed:\n{out.stderr}")
    return wall, int(out.stderr.strip().splitlines()[-1])


def bench_ns(binary, name):
    """Criterion's time per iteration of bench `name` (a regular expression), in ns."""
    out = run([binary, "--bench", "--output-format", "bencher", "--measurement-time", "4", "--warm-up-time", "1",
               name])
    found = {m.group(1): int(m.group(2).replace(",", ""))
             for m in re.finditer(r"^test (\S+) \.\.\. bench:\s+([\d,]+) ns/iter", out, re.M)}
    if not found:
        sys.exit(f"benches/targets.py: no timing for {name} in:\n{out}")
    return found


def find(pattern, text, what):
    """The groups of `pattern`'s first match in `text` (multi-line); stops the script when there is none."""
    m = re.search(pattern, text, re.M)
    if not m:
        sys.exit(f"benches/targets.py: no {what} in:\n{text}")
    return m.groups()


def summary(dialsim, scenario, *sets):
    args = [dialsim, "simulate", scenario, "--seed", "1", "--json", "-q"]
    for s in sets:
        args += ["--set", s]
    return json.loads(run(args))


def bench_binary(name):
    """Builds the bench `name` (benches/NAME.rs); its executable."""
    out = run(["cargo", "bench", "--bench", name, "--no-run", "--message-format=json"])
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("target", {}).get("name") == name \
                and msg.get("executable"):
            return msg["executable"]
    sys.exit(f"benches/targets.py: cargo built no {name} bench")


def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0].strip()
    except (OSError, IndexError):
        return "absent"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--skip", action="append", default=[], choices=ROWS)
    a = ap.parse_args()
    if a.rounds < 1:
        sys.exit("benches/targets.py: --rounds must be at least 1")
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    skipped = {r: "--skip" for r in a.skip}
    if not shutil.which("shuf"):
        skipped.setdefault("lists", "GNU shuf not found")
    if not os.access("/usr/bin/time", os.X_OK):
        for r in ("lists", "filter"):
            skipped.setdefault(r, "GNU time (/usr/bin/time) not found")
    try:
        import simpy  # noqa: F401
        simpy_version = simpy.__version__
    except ImportError:
        simpy_version = "absent"
        skipped.setdefault("mmc", "SimPy not installed (pip install simpy)")

    run(["cargo", "build", "--release", "-q"])
    dialsim = os.path.abspath("target/release/dialsim")
    bench = bench_binary("simulate") if "mmc" not in skipped else None
    ratio = bench_binary("agents_ratio") if "agents" not in skipped else None
    commit = run(["git", "rev-parse", "--short", "HEAD"]).strip()
    dirty = " (with uncommitted changes)" if run(["git", "status", "--porcelain", "--untracked-files=no"]) else ""
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")),
               platform.processor())
    print(f"# Issue 27's speed targets: {a.rounds} alternating rounds, {time.strftime('%Y-%m-%d %H:%M %Z')}\n")
    print(f"- dialsim {commit}{dirty}; {version(['rustc', '-V'])}")
    print(f"- {os.cpu_count()} CPUs ({cpu}), load average {os.getloadavg()[0]:.2f} at the start")
    print(f"- {version(['shuf', '--version'])}; Python {platform.python_version()}, SimPy {simpy_version}\n")
    for r, why in skipped.items():
        print(f"- {r}: skipped ({why})")

    customers = None
    if "mmc" not in skipped:
        # Every call of the day, the warm-up's too (the bench and SimPy count them all); the same sample path.
        whole = summary(dialsim, "data/scenarios/erlang-c.toml", "run.warmup_minutes=0")
        if whole["events"] != summary(dialsim, "data/scenarios/erlang-c.toml")["events"]:
            sys.exit("benches/targets.py: erlang-c.toml without its warm-up is not the bench's run (events differ)")
        customers = whole["dials"]

    with tempfile.TemporaryDirectory(prefix="dialsim-targets-") as tmp:
        keys = os.path.join(tmp, "k50m.txt")
        if "filter" not in skipped:
            run([dialsim, "generate", "--plan", "cz", "-n", str(FILTER_N), "--seed", "3", "--format", "txt",
                 "-o", keys, "-q"])
        rounds = []
        for i in range(a.rounds):
            r = {"load": os.getloadavg()[0]}
            if "lists" not in skipped:
                shuf = os.path.join(tmp, "shuf.txt")
                r["shuf"], _ = timed(["shuf", "-i", "0-999999999", "-n", str(LIST_N), "-o", shuf], shuf)
                for fmt in ("txt", "csv"):
                    out = os.path.join(tmp, f"cz.{fmt}")
                    r[fmt], _ = timed([dialsim, "generate", "--plan", "cz", "-n", str(LIST_N), "--seed", "7",
                                       "--format", fmt, "-o", out, "-q"], out)
            if "mmc" not in skipped:
                out = run([sys.executable, "benches/simpy_mmc.py"])
                r["simpy"] = float(find(r"([\d,]+) calls/s", out, "SimPy rate")[0].replace(",", ""))
                ns = bench_ns(bench, "mmc_24h")["simulate/mmc_24h_events"]
                r["mmc"] = customers / (ns * 1e-9)
            if "agents" not in skipped:
                out = run([ratio, "3"])
                small, large = find(r"^20 agents ([\d.]+) M events/s, 2,000 agents ([\d.]+) M \(medians\)", out,
                                    "medians of agents_ratio")
                r["a20"], r["a2000"] = float(small) * 1e6, float(large) * 1e6
                r["ratio"] = float(find(r"^median ([\d.]+)$", out, "ratio of agents_ratio")[0])
            if "filter" not in skipped:
                bloom = os.path.join(tmp, "k.bloom")
                r["fwall"], r["fpeak"] = timed([dialsim, "filter", "build", "-q", "--seed", "1", "-o", bloom, keys],
                                               bloom)
                r["fbits"] = os.path.getsize(bloom)
            rounds.append(r)
            print(f"round {i + 1} done", file=sys.stderr)

    def med(f):
        return statistics.median(f(r) for r in rounds)

    def row(name, target, f, fmt, goal):
        vals = [f(r) for r in rounds]
        m = statistics.median(vals)
        status = "" if goal is None else "met" if goal(m) else "not met"
        print(f"| {name} | {target} | {' / '.join(fmt(v) for v in vals)} | **{fmt(m)}** | {status} |")

    print("\n| target | goal | rounds | median | |\n|---|---|---|---:|---|")
    row("load average (1 min) at the round's start", "—", lambda r: r["load"], lambda v: f"{v:.2f}", None)
    if "lists" not in skipped:
        row(f"list generation, txt ({med(lambda r: r['shuf']):.2f} s shuf, {med(lambda r: r['txt']):.3f} s)",
            "≥ 40× shuf", lambda r: r["shuf"] / r["txt"], lambda v: f"{v:.1f}×", lambda m: m >= 40)
        row(f"list generation, CSV ({med(lambda r: r['csv']):.3f} s; for comparison: the target is text's)",
            "—", lambda r: r["shuf"] / r["csv"], lambda v: f"{v:.1f}×", None)
    if "mmc" not in skipped:
        row(f"M/M/c, {customers:,} customers a run (SimPy {med(lambda r: r['simpy']):,.0f}/s, dialsim "
            f"{med(lambda r: r['mmc']):,.0f}/s)", "≥ 50× SimPy", lambda r: r["mmc"] / r["simpy"],
            lambda v: f"{v:.1f}×", lambda m: m >= 50)
    if "agents" not in skipped:
        row(f"2,000 agents against 20 ({med(lambda r: r['a20']) / 1e6:.2f} and "
            f"{med(lambda r: r['a2000']) / 1e6:.2f} M events/s; each round the median of 3 pairs)", "≥ 0.9",
            lambda r: r["ratio"],
            lambda v: f"{v:.3f}", lambda m: m >= 0.9)
    if "filter" not in skipped:
        row(f"filter build, {FILTER_N // 1_000_000} M rows ({med(lambda r: r['fwall']):.2f} s)", "≥ 10 M rows/s",
            lambda r: FILTER_N / r["fwall"] / 1e6, lambda v: f"{v:.2f} M/s", lambda m: m >= 10)
        row(f"filter build, peak memory (bitmap {med(lambda r: r['fbits']) / 1e6:.1f} MB)", "≤ 2× the bitmap",
            lambda r: r["fpeak"] * 1024 / r["fbits"], lambda v: f"{v:.2f}×", lambda m: m <= 2)


if __name__ == "__main__":
    main()
