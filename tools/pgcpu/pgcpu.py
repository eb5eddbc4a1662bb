#!/usr/bin/env python3
# pgcpu.py DB -- COMMAND...: run COMMAND and print the CPU (user + system) of the
# PostgreSQL backends serving database DB, sampled from /proc every 0.1 s (a backend that
# exits between two samples loses at most 0.1 s). BENCHMARKS.md uses it for imports.
import os, sys, time, subprocess
db = sys.argv[1]; cmd = sys.argv[3:]
hz = os.sysconf('SC_CLK_TCK'); seen = {}
def sample():
    for p in os.listdir('/proc'):
        if not p.isdigit(): continue
        try:
            t = open(f'/proc/{p}/cmdline','rb').read().replace(b'\0',b' ').decode()
            if not t.startswith('postgres: ') or f' {db} ' not in t: continue
            f = open(f'/proc/{p}/stat').read().rsplit(')',1)[1].split()
            seen[p] = (int(f[11]) + int(f[12])) / hz
        except Exception: pass
pr = subprocess.Popen(cmd)
while pr.poll() is None:
    sample(); time.sleep(0.1)
print(f"postgres backends of {db}: {sum(seen.values()):.2f} s CPU over {len(seen)} backends", file=sys.stderr)
sys.exit(pr.returncode)
