# Sourced by run.sh and test.sh: makes sure what the project needs beyond JDK 17 is installed.

require_java17() {
    if ! command -v java >/dev/null 2>&1; then
        echo "Java is missing: install a JDK 17 (Debian: apt-get install -y openjdk-17-jdk-headless)." >&2
        exit 1
    fi
    local version
    version=$(java -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
    if [ "${version%%.*}" -lt 17 ] 2>/dev/null; then
        echo "Java $version found; Tessera needs Java 17 or newer." >&2
        exit 1
    fi
}

# Tests and the local pipeline start a real redis-server (Debian package redis-server); the Redis
# Cluster tests also join nodes with redis-cli (package redis-tools, which redis-server brings).
require_redis() {
    command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing redis-server with apt-get..."
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
    elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
        echo "Installing redis-server with sudo apt-get..."
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
    fi
    if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
        echo "redis-server or redis-cli is missing: install them (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis)." >&2
        exit 1
    fi
}

# Apicurio Registry 3.3 (the tests' and run.sh's schema registry) needs Java 21+. Prints the Maven
# flag that has the build unpack 3.0.9 instead, which runs on Java 17, when no Java 21+ is found
# where dev-services' ApicurioRegistry looks: TESSERA_REGISTRY_JAVA_HOME, java on the PATH, or a
# JDK under /usr/lib/jvm.
registry_build_flags() {
    local home version
    for home in "${TESSERA_REGISTRY_JAVA_HOME:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")" /usr/lib/jvm/*; do
        [ -n "$home" ] && [ -x "$home/bin/java" ] && [ -f "$home/release" ] || continue
        version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
        if [ "${version:-0}" -ge 21 ] 2>/dev/null; then
            return 0
        fi
    done
    echo "No Java 21+ found for Apicurio Registry 3.3: using Apicurio Registry 3.0.9, which runs on Java 17." >&2
    echo "-Dapicurio-registry.version=3.0.9"
}
