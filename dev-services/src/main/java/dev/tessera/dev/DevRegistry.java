package dev.tessera.dev;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small schema registry for dev and tests, speaking the part of Apicurio Registry's v3 REST API
 * that the real Apicurio serdes call (a real Apicurio server cannot be built from the packages this
 * project can reach).
 *
 * <p>It stores AVRO artifacts only, enforces BACKWARD compatibility of each new version with the
 * latest one (a rejected version gets Apicurio's 409 rule-violation answer), and keeps its state in
 * a JSON file in its data directory so that ids survive restarts.
 */
public final class DevRegistry implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private final Path dataDir;

    private DevRegistry(HttpServer server, ExecutorService executor, Path dataDir) {
        this.server = server;
        this.executor = executor;
        this.dataDir = dataDir;
    }

    /**
     * Starts a registry on 127.0.0.1 with the state kept in {@code dataDir} (loaded if present).
     *
     * @param port the port, or 0 for a free one
     */
    public static DevRegistry start(int port, Path dataDir) {
        Path dir = dataDir.toAbsolutePath();
        ObjectMapper json =
                new ObjectMapper()
                        .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        RegistryStore store = RegistryStore.open(dir, json);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(Loopback.HOST, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + Loopback.HOST + ":" + port, e);
        }
        // A few threads, so that one slow client does not hold up the others.
        ExecutorService executor =
                Executors.newFixedThreadPool(
                        4,
                        task -> {
                            Thread thread = new Thread(task, "dev-registry");
                            thread.setDaemon(true);
                            return thread;
                        });
        server.setExecutor(executor);
        server.createContext("/", new RegistryApi(store, json));
        server.start();
        return new DevRegistry(server, executor, dir);
    }

    /**
     * The base URL Apicurio clients and serdes take: {@code
     * http://127.0.0.1:PORT/apis/registry/v3}.
     */
    public String url() {
        return "http://" + Loopback.HOST + ":" + port() + RegistryApi.BASE_PATH;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * Runs a registry until the process is stopped: {@code --port 8085 --data DIR} (defaults: port
     * 8085, data {@code .tessera/registry}).
     */
    public static void main(String[] args) throws InterruptedException {
        int port = 8085;
        Path data = Path.of(".tessera", "registry");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(requireValue(args, ++i));
                case "--data" -> data = Path.of(requireValue(args, ++i));
                default ->
                        throw new IllegalArgumentException(
                                "unknown argument " + args[i] + "; usage: --port 8085 --data DIR");
            }
        }
        DevRegistry registry = start(port, data);
        Runtime.getRuntime().addShutdownHook(new Thread(registry::close));
        System.out.println("dev registry at " + registry.url() + ", data in " + registry.dataDir());
        new CountDownLatch(1).await();
    }

    static String requireValue(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
