#!/bin/sh
# Runs one benchmark harness and prints its figures.  Usage: bench/run.sh <Name> [args...]
#   e.g. bench/run.sh DownscaleBench     (class io.kubechores.bench.DownscaleBench)
# Builds jobs + bench without tests, then runs the harness on JDK 25 with the heap the harness documents.
# Default job JVM: -XX:+UseSerialGC, the collector the JVM picks itself in the jobs' pods (k8s/cronjobs: 1536Mi
# memory limit, below the 1792 MB "server class" line), and -Xmx512m, less than the pods' MaxRAMPercentage=75
# (~1152 MiB), so a figure that passes here passes there. (Measured for DownscaleBench: the pods' 1152 MiB heap
# changed nothing beyond noise.) Override with BENCH_JAVA_OPTS.
set -eu
cd "$(dirname "$0")/.."
. ./.mvn/select-jdk.sh
name=${1:?usage: bench/run.sh <Name> [args...]}; shift
./mvnw -q -B -DskipTests -pl bench -am package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
cp="bench/target/classes:$(cat bench/target/classpath.txt)"
exec "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:--Xmx512m -XX:+UseSerialGC} -cp "$cp" "io.kubechores.bench.$name" "$@"
