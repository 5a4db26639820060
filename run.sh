#!/usr/bin/env bash
# Builds Tessera and starts the whole pipeline locally on real parts: a Kafka broker, Apicurio
# Registry, redis-server, the Flink job (MiniCluster with web UI) and the three services.
#   ./run.sh                  everything up; Ctrl-C stops every process it started
#   ./run.sh --demo           also streams synthetic events for every stream of features.yaml
#   ./run.sh --flink-cluster  the job's shaded jar submitted, through Flink's REST API, to a
#                             standalone session cluster (a JobManager, web UI on :8081, and two
#                             TaskManagers of two slots, each its own JVM; logs in
#                             .tessera/flink-cluster/log) instead of a MiniCluster; with --demo too
#   ./run.sh --redis-cluster  the online store a Redis Cluster (three masters, a replica each, in
#                             .tessera/infra/redis-cluster) instead of one redis-server
# The Flink job checkpoints to .tessera/checkpoints and, started again, resumes from the newest
# checkpoint or savepoint there. While it runs, from another terminal:
#   ./run.sh --stop-with-savepoint   stops the job with a savepoint in .tessera/savepoints and
#                                    prints its path (Ctrl-C the pipeline afterwards)
#   ./run.sh --from-savepoint PATH   starts everything, the job from that savepoint
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
require_java17

dev_classpath() {
    echo "dev-services/target/classes:$(cat dev-services/target/classes/dev/tessera/dev/kafka-broker.classpath)"
}

if [[ "${1:-}" == "--stop-with-savepoint" ]]; then
    exec java -cp "$(dev_classpath)" dev.tessera.dev.FlinkSavepoints \
        --flink-url http://localhost:8081 --target .tessera/savepoints
fi

require_redis

for port in 9092 8085 6379 8081 9249 8080 8082 8083 9080 9082 9083; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "Port $port is already in use (another Tessera, or a system redis-server: 'service redis-server stop')." >&2
        exit 1
    fi
done

echo "Building (./mvnw package, tests skipped)..."
# shellcheck disable=SC2046 # no flags, or one without spaces
./mvnw -B -q package -DskipTests -Dspotless.check.skip=true $(registry_build_flags)

exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$(dev_classpath)" dev.tessera.dev.LocalPipeline --root . --spec features.yaml --data .tessera "$@"
