package dev.tessera.dev;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A standalone Flink session cluster on loopback, as a Flink distribution's scripts start one, from
 * Flink's jars on Maven Central (the classpath module {@code flink-cluster-lib} writes; flink-dist
 * itself is not served there): one JobManager ({@code StandaloneSessionClusterEntrypoint}) and
 * TaskManagers ({@code TaskManagerRunner}) with {@value #SLOTS_PER_TASK_MANAGER} slots each, each a
 * {@link ChildProcess} that dies with this JVM. Jobs are submitted as their jar through the REST
 * API, as {@code flink run} does.
 *
 * <p>Everything is under one directory: {@code conf/} (the generated {@code config.yaml}, which
 * Flink 2 reads, and {@code log4j.properties}), {@code log/} (per process its Flink log, {@code
 * NAME.log}, and its stdout and stderr, {@code NAME.out}, as in a distribution), {@code tmp/}
 * (RocksDB's working files among others), {@code web-upload/} (submitted jars) and an empty {@code
 * plugins/}.
 *
 * <p>Every port is a free one, bound to 127.0.0.1: the REST API and web UI, the JobManager's RPC
 * and blob server, and per TaskManager its RPC and data ports. Each process has a Prometheus
 * reporter on a port of its own.
 */
public final class FlinkCluster implements AutoCloseable {

    public static final int SLOTS_PER_TASK_MANAGER = 2;

    /** Written at build time by flink-cluster-lib: the jars of every process of the cluster. */
    private static final String CLASSPATH_RESOURCE = "flink-cluster.classpath";

    /**
     * What a Flink distribution's {@code config.yaml} sets in {@code env.java.opts.all} for Java
     * 17, and its scripts pass to every process: Flink reflects into these JDK packages (running a
     * submitted jar's main() fails without them).
     */
    private static final List<String> JAVA_17_OPTIONS =
            List.of(
                    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
                    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private static final Set<String> TERMINAL_JOB_STATES = Set.of("FINISHED", "CANCELED", "FAILED");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";

    /** A TaskManager process, named by its resource id. */
    public record TaskManager(String id, int metricsPort, ChildProcess process) {

        /** Its Prometheus reporter: the metrics of the job's operators it runs. */
        public String metricsUrl() {
            return "http://localhost:" + metricsPort + "/metrics";
        }
    }

    /**
     * A job to run from its jar: the program's arguments, and what {@code flink run} takes as its
     * own options.
     *
     * @param parallelism the job's default parallelism ({@code flink run -p}), or empty for the
     *     cluster's (the machine's cores)
     * @param savepointPath the savepoint or retained checkpoint to start from ({@code -s})
     * @param allowNonRestoredState skip state of operators the job no longer has ({@code -n})
     */
    public record Submission(
            Path jar,
            String entryClass,
            List<String> programArgs,
            OptionalInt parallelism,
            Optional<String> savepointPath,
            boolean allowNonRestoredState) {

        public Submission {
            Objects.requireNonNull(jar, "jar");
            Objects.requireNonNull(entryClass, "entryClass");
            programArgs = List.copyOf(programArgs);
            Objects.requireNonNull(parallelism, "parallelism");
            Objects.requireNonNull(savepointPath, "savepointPath");
        }
    }

    private final Path dir;
    private final int jobManagerMetricsPort;
    private final String classpath;
    private final FlinkRest rest;
    private final ChildProcess jobManager;
    private final List<TaskManager> taskManagers = new ArrayList<>();
    private final Map<Path, String> uploadedJars = new HashMap<>();
    private List<String> taskManagerJvmOptions;
    private List<String> taskManagerDynamicProperties;
    private int taskManagersStarted;

    private FlinkCluster(
            Path dir,
            int restPort,
            int jobManagerMetricsPort,
            String classpath,
            ChildProcess jobManager) {
        this.dir = dir;
        this.jobManagerMetricsPort = jobManagerMetricsPort;
        this.classpath = classpath;
        this.rest = new FlinkRest("http://localhost:" + restPort);
        this.jobManager = jobManager;
    }

    /**
     * Starts a JobManager and {@code taskManagers} TaskManagers, and returns once every TaskManager
     * has registered its slots.
     *
     * @param dir holds the cluster's configuration, logs and working files; created if missing
     * @param restPort the REST API's and web UI's port, or 0 for a free one
     * @param metricsPort the JobManager's Prometheus reporter's port, or 0 for a free one; the
     *     TaskManagers' are free ones
     */
    public static FlinkCluster start(Path dir, int restPort, int metricsPort, int taskManagers) {
        Path home = dir.toAbsolutePath();
        int rest = FreePorts.orPick(restPort);
        int metrics = FreePorts.orPick(metricsPort);
        String classpath = BuildClasspath.read(CLASSPATH_RESOURCE, "flink-cluster-lib");
        writeConfig(home, rest);
        List<String> jobManagerCommand =
                javaCommand(
                        home,
                        classpath,
                        "jobmanager",
                        "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                        resourceParams(home, classpath, "GET_JM_RESOURCE_PARAMS"),
                        Map.of("metrics.reporter.prom.port", Integer.toString(metrics)));
        ChildProcess jobManager =
                ChildProcess.start(
                        jobManagerCommand, environment(home), home.resolve("log/jobmanager.out"));
        FlinkCluster cluster = new FlinkCluster(home, rest, metrics, classpath, jobManager);
        try {
            cluster.await("the JobManager's REST API", "/overview", overview -> true);
            for (int i = 0; i < taskManagers; i++) {
                cluster.startTaskManager();
            }
            // A TaskManager is listed once registered, its slots only once it reported them: a
            // job submitted before then may find too few.
            int slots = taskManagers * SLOTS_PER_TASK_MANAGER;
            cluster.await(
                    slots + " slots",
                    "/overview",
                    overview -> overview.get("slots-total").asInt() >= slots);
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** The REST API and web UI. */
    public String restUrl() {
        return rest.url();
    }

    /** The JobManager's Prometheus reporter. */
    public String jobManagerMetricsUrl() {
        return "http://localhost:" + jobManagerMetricsPort + "/metrics";
    }

    /** The JobManager's process; its stdout and stderr hold what a submitted main() prints. */
    public ChildProcess jobManager() {
        return jobManager;
    }

    /** The TaskManagers started and not stopped or killed since, oldest first. */
    public synchronized List<TaskManager> taskManagers() {
        return List.copyOf(taskManagers);
    }

    /**
     * Starts another TaskManager, named {@code taskmanager-N} (N counting every one started), and
     * returns once it has registered with the JobManager.
     */
    public synchronized TaskManager startTaskManager() {
        if (taskManagerJvmOptions == null) {
            // Every TaskManager has the same configuration: its memory is worked out once.
            List<List<String>> params = resourceParams(dir, classpath, "GET_TM_RESOURCE_PARAMS");
            taskManagerJvmOptions = params.get(0);
            taskManagerDynamicProperties = params.get(1);
        }
        String id = "taskmanager-" + ++taskManagersStarted;
        int metricsPort = FreePorts.pick();
        Map<String, String> own = new LinkedHashMap<>();
        own.put("taskmanager.resource-id", id);
        own.put("taskmanager.rpc.port", Integer.toString(FreePorts.pick()));
        own.put("taskmanager.data.port", Integer.toString(FreePorts.pick()));
        own.put("metrics.reporter.prom.port", Integer.toString(metricsPort));
        List<String> command =
                javaCommand(
                        dir,
                        classpath,
                        id,
                        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                        List.of(taskManagerJvmOptions, taskManagerDynamicProperties),
                        own);
        TaskManager taskManager =
                new TaskManager(
                        id,
                        metricsPort,
                        ChildProcess.start(
                                command, environment(dir), dir.resolve("log/" + id + ".out")));
        taskManagers.add(taskManager);
        try {
            await(
                    id + " registering with the JobManager",
                    taskManager.process(),
                    "/taskmanagers",
                    answer -> ids(answer.get("taskmanagers")).contains(id));
        } catch (RuntimeException e) {
            taskManagers.remove(taskManager);
            taskManager.process().kill9();
            throw e;
        }
        return taskManager;
    }

    /**
     * Starts a TaskManager in place of one that died, as a Kubernetes Deployment would, keeping its
     * position in {@link #taskManagers()}; returns once the new one has registered.
     */
    public synchronized TaskManager replace(TaskManager dead) {
        int position = taskManagers.indexOf(dead);
        TaskManager started = startTaskManager();
        taskManagers.remove(started);
        taskManagers.set(position, started);
        return started;
    }

    /** Kills a TaskManager with SIGKILL, as a lost machine would be, and waits until it is gone. */
    public synchronized void kill9(TaskManager taskManager) {
        taskManagers.remove(taskManager);
        taskManager.process().kill9();
    }

    /**
     * Submits a job as {@code flink run} does: uploads its jar ({@code POST /jars/upload}, once per
     * jar), runs it ({@code POST /jars/<id>/run}: the JobManager runs its main(), which submits the
     * job), and returns the job's id once the job and every one of its tasks run.
     *
     * @throws IllegalStateException if main() fails (the answer carries its stack trace) or the job
     *     fails before it runs (with its root exception)
     */
    public synchronized String submit(Submission submission) {
        String jarId =
                uploadedJars.computeIfAbsent(submission.jar().toAbsolutePath(), rest::uploadJar);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("entryClass", submission.entryClass());
        request.put("programArgsList", submission.programArgs());
        submission.parallelism().ifPresent(p -> request.put("parallelism", p));
        submission.savepointPath().ifPresent(path -> request.put("savepointPath", path));
        request.put("allowNonRestoredState", submission.allowNonRestoredState());
        String jobId = rest.post("/jars/" + jarId + "/run", request).get("jobid").asText();
        awaitRunning(jobId);
        return jobId;
    }

    /**
     * Waits until the job and every one of its tasks run.
     *
     * @throws IllegalStateException if the job ends meanwhile (with its root exception)
     */
    public void awaitRunning(String jobId) {
        try {
            awaitJobRunning(jobId);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(
                    e.getMessage()
                            + "\n"
                            + tasksNotRunning(jobId)
                            + failures(jobId)
                            + taskManagerLogEnds(),
                    e);
        }
    }

    private void awaitJobRunning(String jobId) {
        await(
                "job " + jobId + " running",
                "/jobs/" + jobId,
                job -> {
                    String state = job.get("state").asText();
                    if (TERMINAL_JOB_STATES.contains(state)) {
                        throw new IllegalStateException(
                                "job "
                                        + jobId
                                        + " is "
                                        + state
                                        + ": "
                                        + rest.get("/jobs/" + jobId + "/exceptions")
                                                .at("/root-exception")
                                                .asText());
                    }
                    return state.equals("RUNNING") && allTasksRunning(job);
                });
    }

    /** Cancels every job that has not ended, and returns once they have. */
    public synchronized void cancelJobs() {
        List<String> cancelled = new ArrayList<>();
        for (JsonNode job : rest.get("/jobs/overview").get("jobs")) {
            if (!TERMINAL_JOB_STATES.contains(job.get("state").asText())) {
                String jobId = job.get("jid").asText();
                rest.patch("/jobs/" + jobId + "?mode=cancel");
                cancelled.add(jobId);
            }
        }
        for (String jobId : cancelled) {
            await(
                    "job " + jobId + " cancelled",
                    "/jobs/" + jobId,
                    job -> TERMINAL_JOB_STATES.contains(job.get("state").asText()));
        }
    }

    /** A GET on the REST API, such as {@code /jobs/<id>/checkpoints}: its JSON answer. */
    public JsonNode get(String path) {
        return rest.get(path);
    }

    /** Stops the TaskManagers, then the JobManager. */
    @Override
    public synchronized void close() {
        taskManagers.forEach(taskManager -> taskManager.process().stop(STOP_TIMEOUT));
        taskManagers.clear();
        jobManager.stop(STOP_TIMEOUT);
    }

    /** Each subtask of the job that does not run: its operator, index, state and TaskManager. */
    private String tasksNotRunning(String jobId) {
        StringBuilder report = new StringBuilder("subtasks not running:");
        try {
            for (JsonNode vertex : rest.get("/jobs/" + jobId).get("vertices")) {
                String path = "/jobs/" + jobId + "/vertices/" + vertex.get("id").asText();
                for (JsonNode subtask : rest.get(path).get("subtasks")) {
                    if (!subtask.get("status").asText().equals("RUNNING")) {
                        report.append("\n  ")
                                .append(vertex.get("name").asText())
                                .append(" (")
                                .append(subtask.get("subtask").asInt() + 1)
                                .append(") ")
                                .append(subtask.get("status").asText())
                                .append(" on ")
                                .append(subtask.path("taskmanager-id").asText("none"));
                    }
                }
            }
        } catch (RuntimeException e) {
            report.append(" unknown (").append(e.getMessage()).append(')');
        }
        return report.append('\n').toString();
    }

    /** The job's latest failures, newest first: when, in which task, and the exception. */
    private String failures(String jobId) {
        StringBuilder report = new StringBuilder("the job's latest failures:");
        try {
            JsonNode history =
                    rest.get("/jobs/" + jobId + "/exceptions").at("/exceptionHistory/entries");
            int shown = 0;
            for (JsonNode failure : history) {
                if (shown++ == 3) {
                    break;
                }
                String stackTrace = failure.path("stacktrace").asText("");
                report.append("\n  ")
                        .append(Instant.ofEpochMilli(failure.path("timestamp").asLong()))
                        .append(' ')
                        .append(failure.path("taskName").asText("(the job)"))
                        .append(": ")
                        .append(stackTrace.lines().limit(8).collect(Collectors.joining("\n    ")));
            }
        } catch (RuntimeException e) {
            report.append(" unknown (").append(e.getMessage()).append(')');
        }
        return report.append('\n').toString();
    }

    /** The ends of every live TaskManager's logs, for error messages. */
    private synchronized String taskManagerLogEnds() {
        return taskManagers.stream()
                .map(taskManager -> ends(taskManager.process()))
                .collect(Collectors.joining("\n"));
    }

    private static boolean allTasksRunning(JsonNode job) {
        for (JsonNode vertex : job.get("vertices")) {
            if (!vertex.get("status").asText().equals("RUNNING")) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> ids(JsonNode taskManagers) {
        Set<String> ids = new HashSet<>();
        taskManagers.forEach(taskManager -> ids.add(taskManager.get("id").asText()));
        return ids;
    }

    private void await(String what, String path, Predicate<JsonNode> done) {
        await(what, jobManager, path, done);
    }

    /**
     * Polls {@code path} until its answer passes {@code done}, while {@code process} and the
     * JobManager live.
     */
    private void await(String what, ChildProcess process, String path, Predicate<JsonNode> done) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ChildProcess needed : List.of(jobManager, process)) {
                if (!needed.isAlive()) {
                    throw new IllegalStateException(
                            "waiting for "
                                    + what
                                    + ": "
                                    + needed.log()
                                    + " exited; "
                                    + ends(needed));
                }
            }
            Optional<JsonNode> answer = rest.getIfUp(path);
            if (answer.isPresent() && done.test(answer.get())) {
                return;
            }
            LocalPipeline.sleep(Duration.ofMillis(300));
        }
        throw new IllegalStateException(
                "no " + what + " within " + READY_TIMEOUT.toSeconds() + " s; " + ends(process));
    }

    /**
     * The ends of a process's Flink log and of its output ({@code NAME.log} and {@code NAME.out}),
     * for error messages.
     */
    private static String ends(ChildProcess process) {
        String out = process.log().getFileName().toString();
        Path flinkLog =
                process.log().resolveSibling(out.substring(0, out.lastIndexOf('.')) + ".log");
        return "the end of "
                + flinkLog
                + ":\n"
                + ChildProcess.tail(flinkLog)
                + "\nthe end of "
                + process.log()
                + ":\n"
                + process.logTail();
    }

    /**
     * The memory options of a JobManager or TaskManager, worked out from {@code config.yaml} by
     * Flink's {@code BashJavaUtils} as the distribution's scripts do: the JVM's options, and the
     * dynamic properties (the derived memory sizes a TaskManager refuses to start without).
     *
     * @param command {@code GET_JM_RESOURCE_PARAMS} or {@code GET_TM_RESOURCE_PARAMS}
     */
    private static List<List<String>> resourceParams(Path dir, String classpath, String command) {
        Path log = dir.resolve("log/" + command.toLowerCase(Locale.ROOT) + ".out");
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + log, e);
        }
        List<String> java =
                List.of(
                        java(),
                        "-Xmx64m",
                        "-XX:+UseSerialGC",
                        "-cp",
                        classpath,
                        "org.apache.flink.runtime.util.bash.BashJavaUtils",
                        command,
                        "--configDir",
                        dir.resolve("conf").toString());
        try (ChildProcess tool = ChildProcess.start(java, log)) {
            int status = tool.waitFor(Duration.ofSeconds(60));
            List<List<String>> results =
                    Files.readAllLines(log).stream()
                            .filter(line -> line.startsWith(RESULT_PREFIX))
                            .map(line -> List.of(line.substring(RESULT_PREFIX.length()).split(" ")))
                            .toList();
            if (status != 0 || results.size() != 2) {
                throw new IllegalStateException(
                        "Flink's BashJavaUtils "
                                + command
                                + " failed ("
                                + status
                                + "):\n"
                                + tool.logTail());
            }
            return results;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Flink's BashJavaUtils " + command + " timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * The command of one process: its JVM and memory options (from {@link #resourceParams}), its
     * log file, the entry point, the configuration directory, and dynamic properties: the memory
     * sizes, then {@code own} (its ports, its name).
     */
    private static List<String> javaCommand(
            Path dir,
            String classpath,
            String name,
            String mainClass,
            List<List<String>> resourceParams,
            Map<String, String> own) {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(resourceParams.get(0));
        // Two cores are shared with the tests: one GC thread is plenty.
        command.add("-XX:+UseSerialGC");
        command.addAll(JAVA_17_OPTIONS);
        // log.file: where log4j.properties writes, and the log the web UI shows.
        command.add("-Dlog.file=" + dir.resolve("log/" + name + ".log"));
        command.add("-Dlog4j.configurationFile=" + dir.resolve("conf/log4j.properties").toUri());
        command.addAll(List.of("-cp", classpath, mainClass));
        command.addAll(List.of("--configDir", dir.resolve("conf").toString()));
        command.addAll(resourceParams.get(1));
        own.forEach((key, value) -> command.addAll(List.of("-D", key + "=" + value)));
        return command;
    }

    /**
     * Writes {@code conf/config.yaml} (what every process shares) and {@code
     * conf/log4j.properties}, and creates the working directories.
     */
    private static void writeConfig(Path dir, int restPort) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("jobmanager.rpc.address", Loopback.HOST);
        config.put("jobmanager.rpc.port", Integer.toString(FreePorts.pick()));
        config.put("jobmanager.bind-host", Loopback.HOST);
        config.put("blob.server.port", Integer.toString(FreePorts.pick()));
        config.put("rest.address", Loopback.HOST);
        config.put("rest.bind-address", Loopback.HOST);
        config.put("rest.port", Integer.toString(restPort));
        config.put("taskmanager.host", Loopback.HOST);
        config.put("taskmanager.bind-host", Loopback.HOST);
        config.put("taskmanager.numberOfTaskSlots", Integer.toString(SLOTS_PER_TASK_MANAGER));
        // Of a job submitted without one: a MiniCluster's, the machine's cores.
        config.put(
                "parallelism.default",
                Integer.toString(Runtime.getRuntime().availableProcessors()));
        // Small processes: the machine's cores, not its memory, are what a local run lacks.
        config.put("jobmanager.memory.heap.size", "512m");
        config.put("taskmanager.memory.task.heap.size", "384m");
        // RocksDB's block cache and write buffers, shared by a TaskManager's slots.
        config.put("taskmanager.memory.managed.size", "256m");
        config.put("taskmanager.memory.network.min", "64m");
        config.put("taskmanager.memory.network.max", "64m");
        // A killed TaskManager is noticed within seconds (failed heartbeat RPCs), not 50 s.
        config.put("heartbeat.interval", "1000");
        config.put("heartbeat.timeout", "10000");
        config.put(
                "metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        config.put("io.tmp.dirs", dir.resolve("tmp").toString());
        config.put("web.upload.dir", dir.resolve("web-upload").toString());
        String yaml =
                config.entrySet().stream()
                        .map(e -> e.getKey() + ": " + quoted(e.getValue()))
                        .collect(Collectors.joining("\n", "", "\n"));
        String log4j =
                """
                # Each process logs to its own file, the system property log.file (as in a Flink
                # distribution, whose web UI shows that file).
                rootLogger.level = INFO
                rootLogger.appenderRef.file.ref = File
                appender.file.name = File
                appender.file.type = File
                appender.file.append = true
                appender.file.fileName = ${sys:log.file}
                appender.file.layout.type = PatternLayout
                appender.file.layout.pattern = %d{HH:mm:ss.SSS} %-5level %-30.30c{1} - %msg%n
                # Kafka clients log their whole configuration at INFO, per client.
                logger.kafka.name = org.apache.kafka
                logger.kafka.level = WARN
                """;
        try {
            for (String sub : List.of("conf", "log", "plugins", "tmp", "web-upload")) {
                Files.createDirectories(dir.resolve(sub));
            }
            Files.writeString(dir.resolve("conf/config.yaml"), yaml, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("conf/log4j.properties"), log4j, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the configuration in " + dir, e);
        }
    }

    /**
     * Where Flink looks for its plugins: an empty directory of the cluster's, as every jar is on
     * the classpath (otherwise {@code plugins} in whatever the working directory is).
     */
    private static Map<String, String> environment(Path dir) {
        return Map.of("FLINK_PLUGINS_DIR", dir.resolve("plugins").toString());
    }

    /** A YAML double-quoted string (JSON's escapes), whatever the value holds. */
    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
