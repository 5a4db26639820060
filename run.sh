#!/usr/bin/env bash
# Builds Tessera and starts the whole pipeline locally on real parts: a Kafka broker, the dev schema
# registry, redis-server, the Flink job (MiniCluster with web UI) and the three services.
#   ./run.sh          everything up; Ctrl-C stops every process it started
#   ./run.sh --demo   also streams synthetic events for every stream of features.yaml
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
require_java17
require_redis

for port in 9092 8085 6379 8081 9249 8080 8082 8083; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "Port $port is already in use (another Tessera, or a system redis-server: 'service redis-server stop')." >&2
        exit 1
    fi
done

echo "Building (./mvnw package, tests skipped)..."
./mvnw -B -q package -DskipTests -Dspotless.check.skip=true

classpath="dev-services/target/classes:$(cat dev-services/target/classes/dev/tessera/dev/kafka-broker.classpath)"
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$classpath" dev.tessera.dev.LocalPipeline --root . --spec features.yaml --data .tessera "$@"
