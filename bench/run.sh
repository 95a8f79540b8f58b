#!/bin/sh
# Runs one benchmark harness and prints its figures.  Usage: bench/run.sh <Name> [args...]
#   e.g. bench/run.sh DownscaleBench     (class io.kubechores.bench.DownscaleBench)
# Builds jobs + bench without tests, then runs the harness on JDK 25 with the heap the harness documents.
# Default job JVM: -XX:+UseSerialGC, the collector the JVM picks itself in the jobs' pods (k8s/cronjobs: 1536Mi
# memory limit, below the 1792 MB "server class" line), and -Xmx512m, less than the pods' MaxRAMPercentage=75
# (~1152 MiB), so a figure that passes here passes there. (Measured for DownscaleBench: the pods' 1152 MiB heap
# changed nothing beyond noise.) -XX:TieredStopAtLevel=1 is the JIT the CronJob pods run (C1 only, set in their
# JAVA_TOOL_OPTIONS, see README "Container image and cold start"): a batch run of seconds never earns back C2's
# compile time (DownscaleBench night run, quiet machine: 18.4 s wall / 25.2 s CPU with C2, 13.5 s / 14.5 s C1 only).
# Override with BENCH_JAVA_OPTS. A failed build prints its log.
set -eu
cd "$(dirname "$0")/.."
. ./.mvn/select-jdk.sh
name=${1:?usage: bench/run.sh <Name> [args...]}; shift
log=bench/target/build.log
mkdir -p bench/target
if ! ./mvnw -q -B -DskipTests -pl bench -am package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >"$log" 2>&1; then
  cat "$log" >&2
  echo "bench/run.sh: the build failed (log above, also in $log)" >&2
  exit 1
fi
cp="bench/target/classes:$(cat bench/target/classpath.txt)"
exec "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:--Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1} -cp "$cp" "io.kubechores.bench.$name" "$@"
