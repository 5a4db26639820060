package dev.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python client's tests ({@code clients/python/tests}) on a running pipeline: its unit tests,
 * and its live ones, which send events through the gateway, read them back from the reader and
 * build a training set with {@code ./tessera training-set}.
 */
class PythonClientEndToEndTest {

    @RegisterExtension static final ExamplePipeline pipeline = new ExamplePipeline();

    @TempDir Path dir;

    @Test
    void thePythonClientsTestsPassOnTheRealStack() throws Exception {
        assumeTrue(
                new ProcessBuilder("python3", "--version").start().waitFor() == 0,
                "python3 is not installed");
        Path root = ExamplePipeline.ROOT.toAbsolutePath().normalize();
        Path log = dir.resolve("unittest.log");
        ProcessBuilder tests =
                new ProcessBuilder(
                                "python3",
                                "-m",
                                "unittest",
                                "discover",
                                "-s",
                                "clients/python/tests",
                                "-v")
                        .directory(root.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        Map<String, String> env = tests.environment();
        env.put("TESSERA_GATEWAY_URL", pipeline.gatewayUrl());
        env.put("TESSERA_READER_URL", pipeline.readerUrl());
        env.put("TESSERA_HOME", root.toString());
        env.put("TESSERA_TOKEN", pipeline.jwt().token("produce:*", "read:*"));
        env.put("TESSERA_BOOTSTRAP_SERVERS", pipeline.endpoints().bootstrapServers());
        env.put("TESSERA_REGISTRY_URL", pipeline.endpoints().registryUrl());
        Process process = tests.start();

        assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
        String output = Files.readString(log);
        assertThat(process.exitValue()).as(output).isZero();
        // The live tests ran, not skipped.
        assertThat(output).containsPattern("test_training_set_as_csv .*\\.\\.\\. ok");
    }
}
