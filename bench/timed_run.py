#!/usr/bin/python3
"""Run commands and time them from the outside, for the bench.

    timed_run.py [--repeat N] [--one-by-one] OUT.json CMD... [:: CMD...]...

Every CMD group (separated by a lone `::`) is started at once, concurrently
(with --one-by-one: one after another, so that repeated rounds interleave the
commands); the whole set runs N times in a row (default 1). For each child: wall time
from fork to exit (time.perf_counter, ns resolution), exit status, peak
resident set size (wait4's ru_maxrss, KiB), CPU time (user + system, ms), and
the wall-clock times (ms since the epoch) of its start and exit, to place it
against the device transcript. Children inherit stdin, stdout
and stderr. OUT.json gets {"rounds": [{"wallMs", "children": [{"code", "wallMs",
"maxRssKiB", "cpuMs", "startEpochMs", "endEpochMs"}]}]}; the exit status is the first non-zero child status, else 0.
"""
import json
import os
import subprocess
import sys
import time


def parse(argv):
    repeat = 1
    one_by_one = False
    while argv[:1] in (['--repeat'], ['--one-by-one']):
        if argv[0] == '--repeat':
            repeat = int(argv[1])
            argv = argv[2:]
        else:
            one_by_one = True
            argv = argv[1:]
    out, rest = argv[0], argv[1:]
    groups, cur = [], []
    for a in rest:
        if a == '::':
            groups.append(cur)
            cur = []
        else:
            cur.append(a)
    groups.append(cur)
    return repeat, one_by_one, out, [g for g in groups if g]


def one_round(groups):
    started = time.perf_counter()
    running = {}
    for g in groups:
        t0 = time.perf_counter()
        epoch = time.time() * 1000.0
        p = subprocess.Popen(g)
        running[p.pid] = (len(running), t0, epoch)
    children = [None] * len(groups)
    while running:
        pid, status, ru = os.wait4(-1, 0)
        if pid not in running:
            continue
        index, t0, epoch = running.pop(pid)
        code = os.waitstatus_to_exitcode(status)
        children[index] = {'code': code if code >= 0 else 128 - code, 'wallMs': (time.perf_counter() - t0) * 1000.0,
                           'maxRssKiB': ru.ru_maxrss, 'cpuMs': (ru.ru_utime + ru.ru_stime) * 1000.0,
                           'startEpochMs': epoch, 'endEpochMs': time.time() * 1000.0}
    return {'wallMs': (time.perf_counter() - started) * 1000.0, 'children': children}


def one_by_one_round(groups):
    started = time.perf_counter()
    children = [one_round([g])['children'][0] for g in groups]
    return {'wallMs': (time.perf_counter() - started) * 1000.0, 'children': children}


def main():
    repeat, one_by_one, out, groups = parse(sys.argv[1:])
    run = one_by_one_round if one_by_one else one_round
    rounds = [run(groups) for _ in range(repeat)]
    with open(out, 'w') as f:
        json.dump({'rounds': rounds}, f)
    codes = [c['code'] for r in rounds for c in r['children'] if c['code'] != 0]
    sys.exit(codes[0] if codes else 0)


main()
