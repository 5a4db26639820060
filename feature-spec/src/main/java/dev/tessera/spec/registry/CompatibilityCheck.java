package dev.tessera.spec.registry;

import dev.tessera.spec.model.Compatibility;
import dev.tessera.spec.model.Field;
import dev.tessera.spec.model.Stream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;

/**
 * Whether a stream's schema, as {@code features.yaml} now declares it, may follow the versions
 * already registered, under the stream's compatibility rule: Avro's own reader/writer check, the
 * one Apicurio Registry applies, but explained per field of {@code features.yaml}.
 */
final class CompatibilityCheck {

    private static final Pattern FIELD_LOCATION = Pattern.compile("^/fields/(\\d+)");

    private CompatibilityCheck() {}

    /** A change the rule refuses, where {@code features.yaml} declares it. */
    record Refusal(int line, String problem) {}

    /**
     * @param registered the artifact's versions, oldest first
     */
    static List<Refusal> refusals(
            Stream stream, Schema next, List<RegistryClient.Version> registered) {
        Compatibility rule = stream.compatibility();
        if (rule == Compatibility.NONE || registered.isEmpty()) {
            return List.of();
        }
        boolean transitive = rule.name().endsWith("_TRANSITIVE");
        List<RegistryClient.Version> against =
                transitive ? registered : List.of(registered.get(registered.size() - 1));
        boolean backward = !rule.name().startsWith("FORWARD");
        boolean forward = !rule.name().startsWith("BACKWARD");
        List<Refusal> refusals = new ArrayList<>();
        for (RegistryClient.Version version : against) {
            Schema previous = new Schema.Parser().parse(version.content());
            if (backward) {
                explain(stream, rule, version, next, previous, true, refusals);
            }
            if (forward) {
                explain(stream, rule, version, previous, next, false, refusals);
            }
        }
        return refusals;
    }

    /**
     * Adds why {@code reader} cannot read what {@code writer} wrote. {@code readerIsNew}: the new
     * declaration reads old events (backward); otherwise old consumers read new events (forward).
     */
    private static void explain(
            Stream stream,
            Compatibility rule,
            RegistryClient.Version version,
            Schema reader,
            Schema writer,
            boolean readerIsNew,
            List<Refusal> refusals) {
        List<Incompatibility> incompatibilities =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
                        .getResult()
                        .getIncompatibilities();
        for (Incompatibility incompatibility : incompatibilities) {
            String fieldName = fieldAt(reader, incompatibility.getLocation());
            Field declared = fieldName == null ? null : stream.field(fieldName).orElse(null);
            int line = declared != null && declared.line() > 0 ? declared.line() : stream.line();
            String why;
            if (incompatibility.getType()
                    == SchemaIncompatibilityType.READER_FIELD_MISSING_DEFAULT_VALUE) {
                why =
                        readerIsNew
                                ? "it is new and has no default, so events written with version "
                                        + version.version()
                                        + " could not be read: declare a default"
                                : "it is removed, and version "
                                        + version.version()
                                        + " has it without a default, so consumers of version "
                                        + version.version()
                                        + " could not read new events: give it a default in"
                                        + " one release, remove it in the next";
            } else if (incompatibility.getType() == SchemaIncompatibilityType.TYPE_MISMATCH) {
                why =
                        "its type changes ("
                                + (readerIsNew ? "now " : "was ")
                                + incompatibility.getReaderFragment()
                                + ", "
                                + (readerIsNew ? "was " : "now ")
                                + incompatibility.getWriterFragment()
                                + "): add a field with the new type and a default instead";
            } else {
                why =
                        incompatibility.getMessage()
                                + " (reading "
                                + (readerIsNew ? "version " + version.version() + "'s" : "new")
                                + " events)";
            }
            refusals.add(
                    new Refusal(
                            line,
                            "stream '"
                                    + stream.name()
                                    + "'"
                                    + (fieldName == null ? "" : ", field '" + fieldName + "'")
                                    + ": "
                                    + rule
                                    + " compatibility refuses the change against version "
                                    + version.version()
                                    + " of '"
                                    + stream.artifactId()
                                    + "' in the schema registry: "
                                    + why));
        }
    }

    /** The name of the field a location such as {@code /fields/2/type} points into. */
    private static String fieldAt(Schema reader, String location) {
        Matcher m = FIELD_LOCATION.matcher(location == null ? "" : location);
        if (!m.find() || reader.getType() != Schema.Type.RECORD) {
            return null;
        }
        int index = Integer.parseInt(m.group(1));
        return index < reader.getFields().size() ? reader.getFields().get(index).name() : null;
    }
}
