#!/usr/bin/env bash
# Runs every test on real parts: a Kafka broker, redis-server, the dev schema registry, Apicurio Registry
# (dev-services' test; it needs Java 21+) and Flink's MiniCluster, all started and stopped by the tests
# themselves on free ports.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
require_java17
require_redis
find_registry_java || echo "No Java 21+ found: the real Apicurio Registry's tests are skipped (install a JDK 21+, or set TESSERA_REGISTRY_JAVA_HOME)." >&2
exec ./mvnw -B verify "$@"
