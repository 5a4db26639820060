package dev.tessera.e2e;

import dev.tessera.dev.JwtIssuer;
import dev.tessera.dev.LocalPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The whole pipeline on the repository's {@code features.yaml}, on free ports and a data directory
 * of its own, for the tests of one class: started before them, stopped and deleted after. Register
 * it with {@code @RegisterExtension static final ExamplePipeline pipeline = ...}.
 */
final class ExamplePipeline implements BeforeAllCallback, AfterAllCallback {

    static final Path ROOT = Path.of("..");

    private final List<String> jobArgs;
    private Path dataDir;
    private LocalPipeline pipeline;

    /**
     * @param jobArgs extra arguments of the Flink job, such as {@code --parallelism 2}
     */
    ExamplePipeline(String... jobArgs) {
        this.jobArgs = List.of(jobArgs);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dataDir = Files.createTempDirectory("tessera-e2e");
        pipeline =
                LocalPipeline.start(
                        ROOT,
                        ROOT.resolve("features.yaml"),
                        dataDir,
                        LocalPipeline.Ports.free(),
                        jobArgs);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (pipeline != null) {
            pipeline.close();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    String gatewayUrl() {
        return pipeline.gatewayUrl();
    }

    String readerUrl() {
        return pipeline.readerUrl();
    }

    /** The root ({@code /q}) of a service's management interface: health and metrics. */
    String managementUrl(String module) {
        return pipeline.managementUrl(module);
    }

    /** A producer and a model of this pipeline. */
    PipelineClient client() {
        return new PipelineClient(pipeline);
    }

    /** Mints tokens the services trust (or, varied, refuse). */
    JwtIssuer jwt() {
        return pipeline.jwt();
    }

    LocalPipeline.Endpoints endpoints() {
        return pipeline.endpoints();
    }

    String producerToken() {
        return pipeline.producerToken();
    }

    String readerToken() {
        return pipeline.readerToken();
    }

    String flinkMetricsUrl() {
        return pipeline.flinkMetricsUrl();
    }
}
