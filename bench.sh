#!/usr/bin/env bash
# The benchmark suite: builds Tessera, then measures the reader, the gateway, the Flink job and the
# whole pipeline on real parts, each beside a baseline run side by side. Writes bench/results/*.json
# and BENCHMARKS.md. About 20 minutes on 2 cores, 9 of them the training set.
#   ./bench.sh                                 everything
#   ./bench.sh --sections reader,job           some parts (reader, gateway, e2e, job, store, training)
#   ./bench.sh --scale 0.2                     every phase shorter (a quick, noisier look)
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
require_java17
require_redis
command -v redis-benchmark >/dev/null || { echo "redis-benchmark is missing (it comes with redis-tools)" >&2; exit 1; }

echo "Building (./mvnw package, tests skipped)..."
# shellcheck disable=SC2046 # no flags, or one without spaces
./mvnw -B -q package -DskipTests -Dspotless.check.skip=true -pl bench -am $(registry_build_flags)

classpath="bench/target/classes:$(cat bench/target/classpath.txt)"
exec java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$classpath" dev.tessera.bench.BenchSuite --root . "$@"
