#!/usr/bin/env bash
# Runs every test on real parts: a Kafka broker, redis-server, Apicurio Registry and Flink's
# MiniCluster, all started and stopped by the tests themselves on free ports.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
require_java17
require_redis
# shellcheck disable=SC2046 # no flags, or one without spaces
exec ./mvnw -B verify $(registry_build_flags) "$@"
