#!/bin/sh
# Summarizes a JFR recording's CPU samples (jdk.ExecutionSample) to top frames: self (the frame on top of the
# stack) and inclusive (anywhere in the stack, once per sample), per method and per package prefix.
#   Usage: bench/jfr-top.sh RECORDING.jfr [N=25]
set -eu
f=${1:?usage: bench/jfr-top.sh RECORDING.jfr [N]}; n=${2:-25}
cd "$(dirname "$0")/.."
. ./.mvn/select-jdk.sh
"$JAVA_HOME/bin/jfr" print --events jdk.ExecutionSample --stack-depth 96 "$f" | python3 -c '
import sys, re, collections
n = int(sys.argv[1])
samples = []; cur = None
for line in sys.stdin:
    s = line.strip()
    if s.startswith("jdk.ExecutionSample"): cur = []; samples.append(cur)
    elif cur is not None and re.match(r"^[\w$.<>/]+\(.*\)\s+line:", s):
        cur.append(s.split("(")[0])
self_ = collections.Counter(st[0] for st in samples if st)
incl = collections.Counter(); pk = collections.Counter()
def pkg(m):
    parts = m.split(".")
    return ".".join(parts[:3]) if parts[0] in ("io","org","com","jdk","sun") else ".".join(parts[:2])
for st in samples:
    for m in set(st): incl[m] += 1
    for p in set(pkg(m) for m in st[:1]): pk[p] += 1
t = max(1, len(samples))
print(f"{len(samples)} samples")
print("== self (top of stack), by package"); [print(f"{100*c/t:5.1f}%  {m}") for m, c in pk.most_common(n)]
print("== self, by method"); [print(f"{100*c/t:5.1f}%  {m}") for m, c in self_.most_common(n)]
print("== inclusive, by method"); [print(f"{100*c/t:5.1f}%  {m}") for m, c in incl.most_common(n*2)]
' "$n"
