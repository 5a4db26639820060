package dev.tessera.spec.registry;

import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.parse.SpecException;
import java.util.ArrayList;
import java.util.List;

/**
 * The streams' event schemas in the schema registry: each stream's schema, from {@code
 * features.yaml}, checked against the versions already registered under the stream's compatibility
 * rule, then registered, with that rule set on the artifact so that every other producer of the
 * topic is held to it too.
 *
 * <p>The gateway and the job {@link #register()} at start-up; {@code ./tessera check-spec} only
 * {@link #check()}s. A refused change is a {@link SpecException} naming the file, the line, the
 * stream, the field and what the rule says, thrown before anything is registered or produced.
 */
public final class StreamSchemas {

    private final FeatureSpec spec;
    private final String file;
    private final RegistryClient registry;

    /**
     * @param file the spec's file name, for messages
     */
    public StreamSchemas(FeatureSpec spec, String file, RegistryClient registry) {
        this.spec = spec;
        this.file = file;
        this.registry = registry;
    }

    /** A stream's schema as registered. */
    public record Registered(Stream stream, RegistryClient.Version version) {}

    /**
     * Checks every stream's schema against the registry without changing it.
     *
     * @throws SpecException listing every refused change
     * @throws RegistryClient.RegistryException if the registry cannot be asked
     */
    public void check() {
        List<CompatibilityCheck.Refusal> refusals = new ArrayList<>();
        for (Stream stream : spec.streams()) {
            refusals.addAll(
                    CompatibilityCheck.refusals(
                            stream,
                            AvroSchemas.eventSchema(stream),
                            registry.versions(stream.artifactId())));
        }
        if (!refusals.isEmpty()) {
            throw refused(refusals);
        }
    }

    /**
     * {@link #check()}s, then registers every stream's schema (a no-op for a schema already
     * registered) and sets each artifact's compatibility rule.
     *
     * @throws SpecException if a rule refuses a change; nothing is registered then
     */
    public List<Registered> register() {
        check();
        List<Registered> registered = new ArrayList<>();
        for (Stream stream : spec.streams()) {
            boolean exists = !registry.versions(stream.artifactId()).isEmpty();
            // A rule only applies to later versions: on a new artifact it is set after the first.
            if (exists) {
                registry.setCompatibilityRule(stream.artifactId(), stream.compatibility());
            }
            RegistryClient.Version version;
            try {
                version =
                        registry.register(
                                stream.artifactId(), AvroSchemas.eventSchema(stream).toString());
            } catch (RegistryClient.RuleViolationException e) {
                // A rule this check does not know, such as a stricter global one.
                throw new SpecException(
                        file,
                        stream.line(),
                        "stream '"
                                + stream.name()
                                + "': the schema registry refuses its schema as a new version of '"
                                + stream.artifactId()
                                + "': "
                                + e.getMessage());
            }
            if (!exists) {
                registry.setCompatibilityRule(stream.artifactId(), stream.compatibility());
            }
            registered.add(new Registered(stream, version));
        }
        return registered;
    }

    private SpecException refused(List<CompatibilityCheck.Refusal> refusals) {
        CompatibilityCheck.Refusal first = refusals.get(0);
        StringBuilder problem = new StringBuilder(first.problem());
        for (CompatibilityCheck.Refusal more : refusals.subList(1, refusals.size())) {
            problem.append(System.lineSeparator())
                    .append(file)
                    .append(':')
                    .append(more.line())
                    .append(": ")
                    .append(more.problem());
        }
        return new SpecException(file, first.line(), problem.toString());
    }
}
