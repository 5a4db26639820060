package dev.tessera.cli;

import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.parse.SpecException;
import dev.tessera.spec.parse.SpecParser;
import dev.tessera.spec.registry.RegistryClient;
import dev.tessera.spec.registry.StreamSchemas;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * {@code ./tessera check-spec}: the check the gateway and the job make at start-up, without
 * starting anything, for a CI pipeline to run before a change of {@code features.yaml} ships.
 */
final class CheckSpec {

    private CheckSpec() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path spec = Path.of("features.yaml");
        String registry = null;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (!option.equals("--spec") && !option.equals("--registry")) {
                err.println("check-spec: unknown option '" + option + "'");
                err.print(Tessera.USAGE);
                return 2;
            }
            if (++i == args.length) {
                err.println("check-spec: " + option + " needs a value");
                return 2;
            }
            if (option.equals("--spec")) {
                spec = Path.of(args[i]);
            } else {
                registry = args[i];
            }
        }
        try {
            FeatureSpec parsed = SpecParser.parse(spec);
            if (registry == null) {
                out.println(
                        spec
                                + ": valid ("
                                + parsed.streams().size()
                                + " streams); schemas not checked against a registry (no"
                                + " --registry)");
                return 0;
            }
            new StreamSchemas(parsed, spec.toString(), new RegistryClient(registry)).check();
            for (Stream stream : parsed.streams()) {
                out.println(
                        "stream '"
                                + stream.name()
                                + "': its schema may follow those registered as '"
                                + stream.artifactId()
                                + "' ("
                                + stream.compatibility()
                                + ")");
            }
            out.println(spec + ": valid, and every stream's schema may be registered");
            return 0;
        } catch (SpecException e) {
            err.println(e.getMessage());
            return 1;
        } catch (UncheckedIOException e) {
            err.println(e.getMessage());
            return 2;
        } catch (RegistryClient.RegistryException e) {
            err.println(e.getMessage());
            return 3;
        }
    }
}
