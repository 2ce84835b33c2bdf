#!/usr/bin/env python3
"""compare_modes.py: runs a Google Benchmark program whose benchmarks take a
mode argument (`shim:0` plain, `shim:1` shim, as //bench:openssl_shim_bench
registers them), with many short repetitions in random order, and prints per
benchmark the minimum and median time of each mode and their ratios.

Why minimum and median: the machine's host switches between two speeds, so a
single median can land in either; the minimum over many interleaved
repetitions is what each mode costs on the quiet host, and the median shows
the spread. Ratios are only taken within one run.

Usage: compare_modes.py BINARY [REPETITIONS] [MIN_TIME] [--plain BINARY]
                        [--rounds N]
  --plain BINARY: also run BINARY (the same benchmarks built without the
  shim: plain OpenSSL, or stock BoringSSL) and compare its times with both
  modes of the shim binary: `shim:0` (what a loaded but disabled shim costs,
  and for BoringSSL what the patched heap costs) and `shim:1` (what the shim
  costs against the library without secretmode).
  --rounds N: run the two binaries in turn N times, REPETITIONS/N
  repetitions each time (default 4), so that a change of the host's speed
  between the two programs' runs does not land on one of them only.
"""
import json
import statistics
import subprocess
import sys


def run(binary, repetitions, min_time):
    out = subprocess.run(
        [binary, "--benchmark_format=json",
         f"--benchmark_repetitions={repetitions}",
         f"--benchmark_min_time={min_time}",
         "--benchmark_enable_random_interleaving=true"],
        check=True, capture_output=True, text=True).stdout
    times = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("run_type") != "iteration" or b.get("error_occurred"):
            continue
        name, _, mode = b["run_name"].rpartition("/shim:")
        unit = {"ns": 1, "us": 1e3, "ms": 1e6}[b["time_unit"]]
        times.setdefault(name, {}).setdefault(mode, []).append(b["real_time"] * unit)
    return times


def merge(into, times):
    for name, modes in times.items():
        for mode, values in modes.items():
            into.setdefault(name, {}).setdefault(mode, []).extend(values)


def fmt(ns):
    return f"{ns / 1e3:.1f} µs" if ns >= 1e4 else f"{ns:.0f} ns"


def main():
    args = sys.argv[1:]
    plain_binary = None
    if "--plain" in args:
        i = args.index("--plain")
        plain_binary = args[i + 1]
        del args[i:i + 2]
    rounds = 4
    if "--rounds" in args:
        i = args.index("--rounds")
        rounds = int(args[i + 1])
        del args[i:i + 2]
    binary = args[0]
    repetitions = int(args[1]) if len(args) > 1 else 20
    min_time = args[2] if len(args) > 2 else "0.05"
    if not plain_binary:
        rounds = 1
    times, plain = {}, {}
    for r in range(rounds):
        # The repetitions spread over the rounds, none dropped (10 in 4: 3, 3, 2, 2).
        per_round = repetitions // rounds + (1 if r < repetitions % rounds else 0)
        if per_round == 0:
            continue
        merge(times, run(binary, per_round, min_time))
        if plain_binary:
            merge(plain, run(plain_binary, per_round, min_time))
    print("| benchmark | plain min | shim min | ratio (min) | plain median | shim median | ratio (median) |"
          + (" no shim min | levels none / no shim | shim / no shim |" if plain else ""))
    print("|---|---:|---:|---:|---:|---:|---:|" + ("---:|---:|---:|" if plain else ""))
    for name, modes in times.items():
        if "0" not in modes or "1" not in modes:
            continue
        p, s = modes["0"], modes["1"]
        row = (f"| {name} | {fmt(min(p))} | {fmt(min(s))} | {min(s) / min(p):.3f} | "
               f"{fmt(statistics.median(p))} | {fmt(statistics.median(s))} | "
               f"{statistics.median(s) / statistics.median(p):.3f} |")
        if plain and name in plain:
            n = plain[name]["0"]
            row += (f" {fmt(min(n))} | {min(p) / min(n):.3f} |"
                    f" {min(s) / min(n):.3f} |")
        print(row)


if __name__ == "__main__":
    main()
