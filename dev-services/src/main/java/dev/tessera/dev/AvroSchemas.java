package dev.tessera.dev;

import dev.tessera.dev.RegistryWire.ArtifactReference;
import dev.tessera.dev.RegistryWire.RuleViolationCause;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/** The Avro side of the registry's content rules, done by Avro itself. */
final class AvroSchemas {

    /** Finds the content a reference points to; throws a {@link RegistryException} if none. */
    private final Function<ArtifactReference, RegistryStore.StoredContent> references;

    AvroSchemas(Function<ArtifactReference, RegistryStore.StoredContent> references) {
        this.references = references;
    }

    /**
     * Parses a schema together with the named types it references (registered as artifacts of their
     * own, as the serde does for nested records).
     *
     * @throws RegistryException a 409 rule violation, as Apicurio's validity rule answers, if the
     *     content is not an Avro schema
     */
    Schema parse(String content, List<ArtifactReference> refs) {
        Schema.Parser parser = new Schema.Parser();
        try {
            defineReferencedTypes(parser, refs, new HashSet<>());
            return parser.parse(content);
        } catch (AvroRuntimeException e) {
            throw RegistryException.ruleViolation(
                    "Syntax violation for Avro artifact.",
                    List.of(new RuleViolationCause(e.getMessage(), "")));
        }
    }

    /**
     * The form content is compared in when a client asks for {@code canonical=true}: Avro's own
     * rendering of the parsed schema, which ignores whitespace and attribute order.
     */
    String canonical(String content, List<ArtifactReference> refs) {
        return parse(content, refs).toString();
    }

    /**
     * Why data written with {@code latest} could not be read with {@code proposed}: empty when the
     * proposed schema is BACKWARD compatible.
     */
    static List<RuleViolationCause> backwardIncompatibilities(Schema latest, Schema proposed) {
        return SchemaCompatibility.checkReaderWriterCompatibility(proposed, latest)
                .getResult()
                .getIncompatibilities()
                .stream()
                .map(
                        i ->
                                new RuleViolationCause(
                                        i.getType() + ": " + i.getMessage(), i.getLocation()))
                .toList();
    }

    private void defineReferencedTypes(
            Schema.Parser parser, List<ArtifactReference> refs, Set<List<String>> defined) {
        for (ArtifactReference ref : refs) {
            // A version referenced twice (a diamond) must be parsed once: Avro refuses
            // redefinitions.
            if (defined.add(
                    List.of(ref.groupId(), ref.artifactId(), String.valueOf(ref.version())))) {
                RegistryStore.StoredContent target = references.apply(ref);
                defineReferencedTypes(parser, target.references(), defined);
                parser.parse(target.content());
            }
        }
    }
}
