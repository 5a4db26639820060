package dev.tessera.dev;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.dev.RegistryWire.ArtifactReference;
import dev.tessera.dev.RegistryWire.CreateArtifact;
import dev.tessera.dev.RegistryWire.CreateVersion;
import dev.tessera.dev.RegistryWire.RuleViolationCause;
import dev.tessera.dev.RegistryWire.VersionContent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.avro.Schema;

/**
 * The registry's state: contents (deduplicated, each with a contentId) and artifact versions (each
 * with a globalId), kept in memory and written to one JSON file after every change.
 *
 * <p>Producers cache the ids they were given for the life of their process, and records already in
 * Kafka carry them, so the ids must survive a registry restart: the file is rewritten atomically
 * (temporary file, then rename) so a crash leaves either the old or the new state, never half.
 */
final class RegistryStore {

    static final String AVRO = "AVRO";
    static final String DEFAULT_CONTENT_TYPE = "application/json";

    /** The only branch this registry knows: every artifact's versions in creation order. */
    private static final String LATEST = "branch=latest";

    private static final String FILE_NAME = "registry.json";

    /** A distinct content; versions with the same content and references share it. */
    record StoredContent(
            long contentId,
            String content,
            String contentType,
            List<ArtifactReference> references) {}

    record StoredVersion(
            String groupId,
            String artifactId,
            String version,
            String artifactType,
            long globalId,
            long contentId,
            String createdOn) {}

    /** The file's shape. */
    record State(List<StoredContent> contents, List<StoredVersion> versions) {}

    /** The {@code ifExists} query parameter of artifact creation. */
    enum IfExists {
        FAIL,
        CREATE_VERSION,
        FIND_OR_CREATE_VERSION
    }

    private final Path file;
    private final ObjectMapper json;
    private final AvroSchemas avro = new AvroSchemas(this::resolve);
    private final Map<Long, StoredContent> contents = new LinkedHashMap<>();

    /** By globalId, in creation order (globalIds only grow). */
    private final Map<Long, StoredVersion> versions = new LinkedHashMap<>();

    private RegistryStore(Path file, ObjectMapper json) {
        this.file = file;
        this.json = json;
    }

    /** Loads the state kept in {@code dataDir}, or starts empty there. */
    static RegistryStore open(Path dataDir, ObjectMapper json) {
        RegistryStore store = new RegistryStore(dataDir.resolve(FILE_NAME), json);
        try {
            Files.createDirectories(dataDir);
            if (Files.exists(store.file)) {
                State state = json.readValue(store.file.toFile(), State.class);
                state.contents().forEach(c -> store.contents.put(c.contentId(), c));
                state.versions().forEach(v -> store.versions.put(v.globalId(), v));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load registry state from " + store.file, e);
        }
        return store;
    }

    /**
     * Creates an artifact with its first version or, if it exists, acts as {@code ifExists} says. A
     * new version of an existing artifact must be BACKWARD compatible with its latest version.
     */
    synchronized StoredVersion createArtifact(
            String groupId, CreateArtifact request, IfExists ifExists, boolean canonical) {
        String artifactId = request.artifactId();
        if (artifactId == null || artifactId.isBlank()) {
            throw RegistryException.badRequest(
                    "MissingRequiredParameterException", "Missing required parameter: artifactId");
        }
        String type = Objects.requireNonNullElse(request.artifactType(), AVRO);
        if (!AVRO.equals(type)) {
            throw RegistryException.badRequest(
                    "InvalidArtifactTypeException",
                    "Unsupported artifact type: " + type + " (this dev registry stores AVRO only)");
        }
        CreateVersion first = request.firstVersion();
        if (first == null || first.content() == null || first.content().content() == null) {
            throw RegistryException.badRequest(
                    "MissingRequiredParameterException",
                    "Missing required parameter: firstVersion.content"
                            + " (this dev registry does not create empty artifacts)");
        }
        VersionContent content = first.content();
        List<ArtifactReference> refs =
                content.references() == null ? List.of() : List.copyOf(content.references());
        Schema proposed = avro.parse(content.content(), refs);

        List<StoredVersion> existing = versionsOf(groupId, artifactId);
        if (!existing.isEmpty()) {
            if (ifExists == IfExists.FAIL) {
                throw RegistryException.conflict(
                        "ArtifactAlreadyExistsException",
                        "An artifact with ID '"
                                + artifactId
                                + "' in group '"
                                + groupId
                                + "' already exists.");
            }
            if (ifExists == IfExists.FIND_OR_CREATE_VERSION) {
                Optional<StoredVersion> same =
                        findSameContent(existing, content.content(), refs, canonical);
                if (same.isPresent()) {
                    return same.get();
                }
            }
            if (first.version() != null && findVersion(existing, first.version()).isPresent()) {
                throw RegistryException.conflict(
                        "VersionAlreadyExistsException",
                        "An artifact version '"
                                + first.version()
                                + "' for artifact ID '"
                                + artifactId
                                + "' in group '"
                                + groupId
                                + "' already exists.");
            }
            requireBackwardCompatible(existing.get(existing.size() - 1), proposed);
        }
        return addVersion(groupId, artifactId, first.version(), content, refs, existing);
    }

    synchronized StoredContent content(long contentId) {
        StoredContent content = contents.get(contentId);
        if (content == null) {
            throw RegistryException.notFound(
                    "ContentNotFoundException",
                    "No content with ID '" + contentId + "' was found.");
        }
        return content;
    }

    synchronized StoredVersion versionByGlobalId(long globalId) {
        StoredVersion version = versions.get(globalId);
        if (version == null) {
            throw RegistryException.notFound(
                    "VersionNotFoundException",
                    "No version with global ID '" + globalId + "' found.");
        }
        return version;
    }

    /**
     * @param expression a version, or {@code branch=latest}
     */
    synchronized StoredVersion version(String groupId, String artifactId, String expression) {
        return findVersion(versions(groupId, artifactId), expression)
                .orElseThrow(
                        () ->
                                RegistryException.notFound(
                                        "VersionNotFoundException",
                                        "No version '"
                                                + expression
                                                + "' found for artifact with ID '"
                                                + artifactId
                                                + "' in group '"
                                                + groupId
                                                + "'."));
    }

    /** The artifact's versions, oldest first. */
    synchronized List<StoredVersion> versions(String groupId, String artifactId) {
        List<StoredVersion> found = versionsOf(groupId, artifactId);
        if (found.isEmpty()) {
            throw RegistryException.notFound(
                    "ArtifactNotFoundException",
                    "No artifact with ID '"
                            + artifactId
                            + "' in group '"
                            + groupId
                            + "' was found.");
        }
        return found;
    }

    /**
     * Versions whose content equals {@code content} (or, with {@code canonical}, has the same
     * canonical form), optionally only in one group or artifact; oldest first.
     */
    synchronized List<StoredVersion> findByContent(
            String content, String groupId, String artifactId, boolean canonical) {
        String wanted = canonical ? canonicalOrNull(content, List.of()) : content;
        if (wanted == null) {
            return List.of();
        }
        return versions.values().stream()
                .filter(v -> groupId == null || groupId.equals(v.groupId()))
                .filter(v -> artifactId == null || artifactId.equals(v.artifactId()))
                .filter(
                        v -> {
                            StoredContent c = contents.get(v.contentId());
                            return canonical
                                    ? wanted.equals(canonicalOrNull(c.content(), c.references()))
                                    : c.content().equals(wanted);
                        })
                .toList();
    }

    /**
     * The content with every referenced named type written inline, as Apicurio's {@code
     * references=DEREFERENCE} answers it.
     */
    synchronized String dereferenced(StoredContent content) {
        if (content.references().isEmpty()) {
            return content.content();
        }
        return avro.parse(content.content(), content.references()).toString();
    }

    private List<StoredVersion> versionsOf(String groupId, String artifactId) {
        return versions.values().stream()
                .filter(v -> v.groupId().equals(groupId) && v.artifactId().equals(artifactId))
                .toList();
    }

    private static Optional<StoredVersion> findVersion(
            List<StoredVersion> found, String expression) {
        if (found.isEmpty()) {
            return Optional.empty();
        }
        if (LATEST.equals(expression)) {
            return Optional.of(found.get(found.size() - 1));
        }
        return found.stream().filter(v -> v.version().equals(expression)).findFirst();
    }

    /** The latest version with the same content and references, as FIND_OR_CREATE_VERSION wants. */
    private Optional<StoredVersion> findSameContent(
            List<StoredVersion> existing,
            String content,
            List<ArtifactReference> refs,
            boolean canonical) {
        String wanted = canonical ? avro.canonical(content, refs) : content;
        for (int i = existing.size() - 1; i >= 0; i--) {
            StoredVersion version = existing.get(i);
            StoredContent stored = contents.get(version.contentId());
            String candidate =
                    canonical
                            ? avro.canonical(stored.content(), stored.references())
                            : stored.content();
            if (stored.references().equals(refs) && candidate.equals(wanted)) {
                return Optional.of(version);
            }
        }
        return Optional.empty();
    }

    private void requireBackwardCompatible(StoredVersion latest, Schema proposed) {
        StoredContent latestContent = contents.get(latest.contentId());
        Schema latestSchema = avro.parse(latestContent.content(), latestContent.references());
        List<RuleViolationCause> causes =
                AvroSchemas.backwardIncompatibilities(latestSchema, proposed);
        if (!causes.isEmpty()) {
            throw RegistryException.ruleViolation(
                    "Incompatible artifact: "
                            + latest.groupId()
                            + "/"
                            + latest.artifactId()
                            + " ["
                            + AVRO
                            + "], num of incompatible diffs: {"
                            + causes.size()
                            + "}, list of diff types: "
                            + causes.stream()
                                    .map(c -> c.description() + " at " + c.context())
                                    .collect(Collectors.joining(", ", "[", "]")),
                    causes);
        }
    }

    private StoredVersion addVersion(
            String groupId,
            String artifactId,
            String requestedVersion,
            VersionContent content,
            List<ArtifactReference> refs,
            List<StoredVersion> existing) {
        String contentType =
                Objects.requireNonNullElse(content.contentType(), DEFAULT_CONTENT_TYPE);
        Optional<StoredContent> sameContent =
                contents.values().stream()
                        .filter(
                                c ->
                                        c.content().equals(content.content())
                                                && c.references().equals(refs))
                        .findFirst();
        StoredContent stored =
                sameContent.orElseGet(
                        () ->
                                new StoredContent(
                                        nextId(contents), content.content(), contentType, refs));
        StoredVersion version =
                new StoredVersion(
                        groupId,
                        artifactId,
                        requestedVersion != null ? requestedVersion : nextVersionName(existing),
                        AVRO,
                        nextId(versions),
                        stored.contentId(),
                        Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());

        // Written before it is visible: a client must never be given ids the file lacks.
        List<StoredContent> newContents = new ArrayList<>(contents.values());
        if (sameContent.isEmpty()) {
            newContents.add(stored);
        }
        List<StoredVersion> newVersions = new ArrayList<>(versions.values());
        newVersions.add(version);
        write(new State(newContents, newVersions));

        contents.put(stored.contentId(), stored);
        versions.put(version.globalId(), version);
        return version;
    }

    private static long nextId(Map<Long, ?> byId) {
        return byId.keySet().stream().mapToLong(Long::longValue).max().orElse(0) + 1;
    }

    /** "1", "2", ...: Apicurio's default, skipping names a client chose. */
    private static String nextVersionName(List<StoredVersion> existing) {
        int next = existing.size() + 1;
        while (findVersion(existing, Integer.toString(next)).isPresent()) {
            next++;
        }
        return Integer.toString(next);
    }

    /** Canonical form, or null for content that is not a valid schema (it then matches nothing). */
    private String canonicalOrNull(String content, List<ArtifactReference> refs) {
        try {
            return avro.canonical(content, refs);
        } catch (RegistryException e) {
            return null;
        }
    }

    /** Resolves a schema reference for parsing; an unknown target violates integrity (409). */
    private StoredContent resolve(ArtifactReference ref) {
        String groupId = Objects.requireNonNullElse(ref.groupId(), "default");
        String expression = Objects.requireNonNullElse(ref.version(), LATEST);
        return findVersion(versionsOf(groupId, ref.artifactId()), expression)
                .map(v -> contents.get(v.contentId()))
                .orElseThrow(
                        () ->
                                RegistryException.ruleViolation(
                                        "Referenced artifact version does not exist.",
                                        List.of(
                                                new RuleViolationCause(
                                                        groupId
                                                                + "/"
                                                                + ref.artifactId()
                                                                + " version "
                                                                + expression
                                                                + " not found",
                                                        ref.name()))));
    }

    private void write(State state) {
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        try {
            json.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), state);
            Files.move(
                    tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write registry state to " + file, e);
        }
    }
}
