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

# Tests and the local pipeline start a real redis-server (Debian package redis-server).
require_redis() {
    command -v redis-server >/dev/null 2>&1 && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing redis-server with apt-get..."
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
    elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
        echo "Installing redis-server with sudo apt-get..."
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
    fi
    if ! command -v redis-server >/dev/null 2>&1; then
        echo "redis-server is missing: install it (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis)." >&2
        exit 1
    fi
}

# The real Apicurio Registry that dev-services' tests start needs Java 21 or newer (the project itself
# needs 17). Exports TESSERA_REGISTRY_JAVA_HOME for it: kept if already set, else the java on the PATH if
# it is 21+, else the newest JDK 21+ under /usr/lib/jvm. Returns 1 when none is found (the registry's
# tests are then skipped).
find_registry_java() {
    if [ -n "${TESSERA_REGISTRY_JAVA_HOME:-}" ]; then
        export TESSERA_REGISTRY_JAVA_HOME
        return 0
    fi
    local settings version home best="" best_version=0
    if command -v java >/dev/null 2>&1; then
        settings=$(java -XshowSettings:properties -version 2>&1)
        version=$(awk -F' = ' '/java.specification.version/ {print $2}' <<<"$settings")
        home=$(awk -F' = ' '/java.home/ {print $2}' <<<"$settings")
        if [ "${version%%.*}" -ge 21 ] 2>/dev/null && [ -x "$home/bin/java" ]; then
            export TESSERA_REGISTRY_JAVA_HOME="$home"
            return 0
        fi
    fi
    for home in /usr/lib/jvm/*/; do
        home=${home%/}
        [ -x "$home/bin/java" ] && [ -f "$home/release" ] || continue
        version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
        if [ "${version:-0}" -ge 21 ] 2>/dev/null && [ "$version" -gt "$best_version" ]; then
            best=$home
            best_version=$version
        fi
    done
    if [ -n "$best" ]; then
        export TESSERA_REGISTRY_JAVA_HOME="$best"
        return 0
    fi
    return 1
}
