package dev.tessera.dev;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The real Apicurio Registry, from the distribution archive the build unpacks (see dev-services'
 * pom), in a child JVM listening on 127.0.0.1: its REST APIs on one free port, its health on
 * another (Quarkus' management interface).
 *
 * <p>Its state (schemas, ids, rules) is kept in an H2 database file in its data directory, so a
 * restart on the same directory answers the ids producers have cached and records in Kafka carry.
 * The registry's default in-memory storage would forget them.
 *
 * <p>Registry 3.3 needs Java {@value #MIN_JAVA} or newer, while the project builds and runs on 17.
 * {@link #findJava()} looks for one: {@value #JAVA_HOME_ENV} if set, else the running JVM, else the
 * newest JDK under {@code /usr/lib/jvm}. Where there is none, {@code scripts/prerequisites.sh} has
 * the build unpack Registry {@value #JAVA_17_VERSION} instead, which runs on Java 17: the same v3
 * and ccompat APIs (a rule violation answers 409 there, 400 in 3.3).
 */
public final class ApicurioRegistry implements AutoCloseable {

    /** The oldest Java the registry's archive runs on, from 3.1 on. */
    public static final int MIN_JAVA = 21;

    /** The newest registry version that runs on Java 17: the fallback without a Java 21+. */
    public static final String JAVA_17_VERSION = "3.0.9";

    /** Names the Java home to run the registry with; {@code scripts/prerequisites.sh} sets it. */
    public static final String JAVA_HOME_ENV = "TESSERA_REGISTRY_JAVA_HOME";

    /** Written at build time (resource filtering): the registry's version and unpacked home. */
    private static final String LOCATION_RESOURCE = "apicurio-registry.properties";

    private static final Path JVM_DIR = Path.of("/usr/lib/jvm");
    private static final Pattern JAVA_VERSION =
            Pattern.compile("^JAVA_VERSION=\"(\\d+)(?:\\.(\\d+))?", Pattern.MULTILINE);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final int port;
    private final int managementPort;
    private final ChildProcess process;

    private ApicurioRegistry(int port, int managementPort, ChildProcess process) {
        this.port = port;
        this.managementPort = managementPort;
        this.process = process;
    }

    /**
     * Starts the registry on a free loopback port, with its data and log in {@code dataDir}, and
     * waits until it is ready.
     */
    public static ApicurioRegistry start(Path dataDir) {
        return start(dataDir, 0);
    }

    /**
     * Starts the registry and waits until it is ready.
     *
     * @param dataDir holds its database and its log, {@code apicurio-registry.log}; created if
     *     missing, reused if it exists
     * @param port the port of its REST APIs; 0 for a free one
     * @throws IllegalStateException if no Java new enough is found ({@link #missingJavaMessage()}),
     *     the archive is not unpacked, or the registry is not ready in time
     */
    public static ApicurioRegistry start(Path dataDir, int port) {
        Path javaHome =
                findJava().orElseThrow(() -> new IllegalStateException(missingJavaMessage()));
        Path runJar = runJar();
        Path dir = dataDir.toAbsolutePath();
        int apiPort = port == 0 ? FreePorts.pick() : port;
        int managementPort = FreePorts.pick();
        List<String> command =
                List.of(
                        javaHome.resolve("bin").resolve("java").toString(),
                        "-Xmx384m",
                        // Two cores are shared with the tests: one GC thread is plenty.
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-Dquarkus.http.host=" + Loopback.HOST,
                        "-Dquarkus.http.port=" + apiPort,
                        "-Dquarkus.management.host=" + Loopback.HOST,
                        "-Dquarkus.management.port=" + managementPort,
                        "-Dapicurio.datasource.url=jdbc:h2:file:" + dir.resolve("h2/registry"),
                        // Its default pool of 20 connections is sized for a server, not a laptop.
                        "-Dapicurio.datasource.jdbc.initial-size=2",
                        "-Dapicurio.datasource.jdbc.min-size=2",
                        "-Dapicurio.datasource.jdbc.max-size=8",
                        "-jar",
                        runJar.toString());
        ChildProcess process = ChildProcess.start(command, dir.resolve("apicurio-registry.log"));
        ApicurioRegistry registry = new ApicurioRegistry(apiPort, managementPort, process);
        try {
            registry.awaitReady();
        } catch (RuntimeException e) {
            process.kill9();
            throw e;
        }
        return registry;
    }

    /**
     * A Java home the unpacked registry runs on ({@link #minJava()} or newer): {@value
     * #JAVA_HOME_ENV} if set (it must then be one), else the running JVM's if it is new enough,
     * else the newest under {@code /usr/lib/jvm}.
     *
     * @throws IllegalStateException if {@value #JAVA_HOME_ENV} names no Java new enough
     */
    public static Optional<Path> findJava() {
        return findJava(
                System.getenv(JAVA_HOME_ENV),
                Runtime.version().feature(),
                Path.of(System.getProperty("java.home")),
                JVM_DIR,
                minJava());
    }

    /** The oldest Java the unpacked registry version runs on. */
    public static int minJava() {
        return version().startsWith("3.0.") ? 17 : MIN_JAVA;
    }

    /** The unpacked registry's launcher: 3.1+ are fast-jars, 3.0 a runner jar beside lib/. */
    private static Path runJar() {
        Path fastJar = home().resolve("quarkus-run.jar");
        Path runner = home().resolve("apicurio-registry-app-" + version() + "-runner.jar");
        if (Files.isRegularFile(fastJar)) {
            return fastJar;
        }
        if (Files.isRegularFile(runner)) {
            return runner;
        }
        throw new IllegalStateException(
                fastJar
                        + " is missing: build dev-services with Maven, which unpacks Apicurio"
                        + " Registry in generate-resources");
    }

    /** {@link #findJava()} with its inputs given, for tests. */
    static Optional<Path> findJava(
            String fromEnv, int runningVersion, Path runningHome, Path jvmDir, int minJava) {
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path home = Path.of(fromEnv);
            int version = javaVersion(home);
            if (version < minJava) {
                throw new IllegalStateException(
                        JAVA_HOME_ENV
                                + "="
                                + fromEnv
                                + " is not a Java "
                                + minJava
                                + " or newer ("
                                + (version == 0 ? "no bin/java or release file" : "Java " + version)
                                + ")");
            }
            return Optional.of(home);
        }
        if (runningVersion >= minJava) {
            return Optional.of(runningHome);
        }
        if (!Files.isDirectory(jvmDir)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvmDir)) {
            return homes.filter(home -> javaVersion(home) >= minJava)
                    .max(
                            Comparator.comparingInt(ApicurioRegistry::javaVersion)
                                    .thenComparing(Path::toString));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + jvmDir, e);
        }
    }

    /** What to do when {@link #findJava()} finds nothing. */
    public static String missingJavaMessage() {
        return "Apicurio Registry "
                + version()
                + " needs Java "
                + minJava()
                + " or newer, and none was found ("
                + JAVA_HOME_ENV
                + " unset, this JVM is Java "
                + Runtime.version().feature()
                + ", none under "
                + JVM_DIR
                + "). Set "
                + JAVA_HOME_ENV
                + " to a JDK "
                + minJava()
                + "+ home, or build with -Dapicurio-registry.version="
                + JAVA_17_VERSION
                + " (which runs on Java 17; ./run.sh and ./test.sh do so by themselves).";
    }

    /** The version of the registry the build unpacked. */
    public static String version() {
        return location().getProperty("version");
    }

    /** The base URL of its v3 REST API, the form the Apicurio serde takes. */
    public String url() {
        return "http://" + Loopback.HOST + ":" + port + "/apis/registry/v3";
    }

    /** The base URL of its Confluent-compatible API. */
    public String ccompatUrl() {
        return "http://" + Loopback.HOST + ":" + port + "/apis/ccompat/v7";
    }

    public int port() {
        return port;
    }

    /** The management port, serving {@code /health/ready} and {@code /health/live}. */
    public int managementPort() {
        return managementPort;
    }

    /** The registry's stdout and stderr. */
    public Path log() {
        return process.log();
    }

    /** Its process, for supervision; null before it started. */
    public ChildProcess process() {
        return process;
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Stops the registry (SIGTERM, then SIGKILL if it lingers). */
    @Override
    public void close() {
        process.stop(STOP_TIMEOUT);
    }

    private static Path home() {
        return Path.of(location().getProperty("home"));
    }

    private static Properties location() {
        try (InputStream in = ApicurioRegistry.class.getResourceAsStream(LOCATION_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(
                        LOCATION_RESOURCE
                                + " is missing next to "
                                + ApicurioRegistry.class.getName()
                                + ": build dev-services with Maven, which writes it in"
                                + " process-resources");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + LOCATION_RESOURCE, e);
        }
    }

    /**
     * The feature version of the Java at {@code home}, from its {@code release} file; 0 if it has
     * no {@code bin/java} or no readable version.
     */
    static int javaVersion(Path home) {
        Path release = home.resolve("release");
        if (!Files.isExecutable(home.resolve("bin").resolve("java"))
                || !Files.isRegularFile(release)) {
            return 0;
        }
        try {
            Matcher matcher = JAVA_VERSION.matcher(Files.readString(release));
            if (!matcher.find()) {
                return 0;
            }
            int major = Integer.parseInt(matcher.group(1));
            // "1.8.0_402" is Java 8.
            return major == 1 && matcher.group(2) != null
                    ? Integer.parseInt(matcher.group(2))
                    : major;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** Polls {@code /health/ready} on the management port until it answers 200. */
    private void awaitReady() {
        URI health = URI.create("http://" + Loopback.HOST + ":" + managementPort + "/health/ready");
        HttpClient http = HttpClient.newBuilder().connectTimeout(POLL_TIMEOUT).build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception lastFailure = null;
        while (true) {
            try {
                HttpResponse<String> response =
                        http.send(
                                HttpRequest.newBuilder(health).timeout(POLL_TIMEOUT).build(),
                                HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                lastFailure =
                        new IllegalStateException(
                                "health " + response.statusCode() + ": " + response.body());
            } catch (IOException e) {
                lastFailure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for Apicurio Registry", e);
            }
            String problem = null;
            if (!process.isAlive()) {
                problem = "Apicurio Registry exited during startup";
            } else if (System.nanoTime() > deadline) {
                problem = "Apicurio Registry not ready after " + READY_TIMEOUT.toSeconds() + " s";
            }
            if (problem != null) {
                throw new IllegalStateException(
                        problem
                                + " ("
                                + url()
                                + "); "
                                + log()
                                + " ends with:\n"
                                + process.logTail(),
                        lastFailure);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for Apicurio Registry", e);
            }
        }
    }
}
