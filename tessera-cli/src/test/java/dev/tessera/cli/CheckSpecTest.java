package dev.tessera.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tessera.dev.ApicurioRegistry;
import dev.tessera.spec.model.Compatibility;
import dev.tessera.spec.parse.SpecException;
import dev.tessera.spec.parse.SpecParser;
import dev.tessera.spec.registry.RegistryClient;
import dev.tessera.spec.registry.StreamSchemas;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registering the streams' schemas with their compatibility rules, and {@code ./tessera
 * check-spec}, against the real Apicurio Registry: each test uses a stream of its own.
 */
class CheckSpecTest {

    private static ApicurioRegistry registry;
    private static RegistryClient client;

    @TempDir static Path dir;

    @BeforeAll
    static void startRegistry() {
        assumeTrue(ApicurioRegistry.findJava().isPresent(), ApicurioRegistry.missingJavaMessage());
        registry = ApicurioRegistry.start(dir.resolve("registry"));
        client = new RegistryClient(registry.url());
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    /** A spec with one stream, {@code topic}, of the given fields (YAML lines at 6 spaces). */
    private static String spec(String topic, String compatibility, String fields) {
        return """
               entities:
                 user:
                   key: user_id
               streams:
                 %s:
                   entity: user
                   compatibility: %s
                   fields:
                     user_id: string
                     ts: timestamp
               %s
               feature_groups: {}
               """
                .formatted(topic, compatibility, fields);
    }

    private static StreamSchemas schemas(String yaml) {
        return new StreamSchemas(SpecParser.parse("features.yaml", yaml), "features.yaml", client);
    }

    @Test
    void registersEachStreamWithItsRuleAndAcceptsAFieldWithADefault() {
        String v1 = spec("orders", "backward", "      amount: double");
        StreamSchemas.Registered first = schemas(v1).register().get(0);
        assertThat(first.version().version()).isEqualTo("1");
        assertThat(client.compatibilityRule("orders-value")).contains(Compatibility.BACKWARD);

        // Registering the same declaration again is a no-op.
        assertThat(schemas(v1).register().get(0).version().globalId())
                .isEqualTo(first.version().globalId());

        String v2 =
                spec(
                        "orders",
                        "backward",
                        "      amount: double\n      coupon: {type: string, default: none}");
        schemas(v2).check();
        assertThat(schemas(v2).register().get(0).version().version()).isEqualTo("2");
        assertThat(client.versions("orders-value")).hasSize(2);
    }

    @Test
    void aNewFieldWithoutADefaultIsRefusedWithItsLineAndNothingIsRegistered() {
        String v1 = spec("clicks", "backward", "      page: string");
        schemas(v1).register();
        String v2 = spec("clicks", "backward", "      page: string\n      device: string");

        assertThatThrownBy(() -> schemas(v2).register())
                .isInstanceOf(SpecException.class)
                .hasMessage(
                        "features.yaml:12: stream 'clicks', field 'device': BACKWARD compatibility"
                                + " refuses the change against version 1 of 'clicks-value' in the"
                                + " schema registry: it is new and has no default, so events"
                                + " written with version 1 could not be read: declare a default");
        assertThat(client.versions("clicks-value")).hasSize(1);
    }

    @Test
    void aTypeChangeIsRefused() {
        String v1 = spec("payments", "backward", "      amount: string");
        schemas(v1).register();
        assertThatThrownBy(() -> schemas(v1.replace("amount: string", "amount: long")).check())
                .isInstanceOf(SpecException.class)
                .hasMessageStartingWith(
                        "features.yaml:11: stream 'payments', field 'amount': BACKWARD"
                                + " compatibility refuses the change against version 1")
                .hasMessageContaining("its type changes (now \"long\", was \"string\")");
    }

    @Test
    void underFullARequiredFieldCannotBeRemoved() {
        String v1 = spec("visits", "full", "      page: string");
        schemas(v1).register();
        assertThat(client.compatibilityRule("visits-value")).contains(Compatibility.FULL);
        assertThatThrownBy(() -> schemas(v1.replace("      page: string\n", "")).check())
                .hasMessageContaining(
                        "stream 'visits', field 'page': FULL compatibility refuses the change"
                                + " against version 1 of 'visits-value' in the schema registry: it"
                                + " is removed");
    }

    @Test
    void theCommandLineChecksWithoutRegistering() throws IOException {
        String v1 = spec("views", "backward", "      page: string");
        schemas(v1).register();
        Path file = dir.resolve("features.yaml");

        Files.writeString(
                file,
                spec(
                        "views",
                        "backward",
                        "      page: string\n      device: {type: string, default: web}"));
        Run ok = run("check-spec", "--spec", file.toString(), "--registry", registry.url());
        assertThat(ok.status()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("every stream's schema may be registered");
        assertThat(client.versions("views-value")).hasSize(1);

        Files.writeString(
                file, spec("views", "backward", "      page: string\n      device: string"));
        Run refused = run("check-spec", "--spec", file.toString(), "--registry", registry.url());
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).startsWith(file + ":12: stream 'views', field 'device'");

        Run unreachable =
                run(
                        "check-spec",
                        "--spec",
                        file.toString(),
                        "--registry",
                        "http://127.0.0.1:1/apis/registry/v3");
        assertThat(unreachable.status()).isEqualTo(3);
        assertThat(unreachable.err()).contains("schema registry unreachable");

        assertThat(run("check-spec", "--colour").status()).isEqualTo(2);
    }

    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status =
                Tessera.run(
                        args,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(
                status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
