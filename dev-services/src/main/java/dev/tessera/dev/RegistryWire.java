package dev.tessera.dev;

import java.util.List;

/**
 * JSON shapes of the Apicurio Registry v3 REST API used by {@link DevRegistry}, named and shaped as
 * in Apicurio's OpenAPI document ({@code components.schemas}); fields this registry does not keep
 * (names, descriptions, labels, branches) are left out, and nulls are not written.
 */
final class RegistryWire {

    private RegistryWire() {}

    /** Request of {@code POST /groups/{groupId}/artifacts}. */
    record CreateArtifact(String artifactId, String artifactType, CreateVersion firstVersion) {}

    record CreateVersion(String version, VersionContent content) {}

    record VersionContent(String content, String contentType, List<ArtifactReference> references) {}

    /** A reference from one schema to a named type registered as another artifact version. */
    record ArtifactReference(String groupId, String artifactId, String version, String name) {}

    record CreateArtifactResponse(ArtifactMetaData artifact, VersionMetaData version) {}

    record ArtifactMetaData(
            String groupId,
            String artifactId,
            String artifactType,
            String owner,
            String createdOn,
            String modifiedBy,
            String modifiedOn) {}

    /** Serves both as {@code VersionMetaData} and as {@code SearchedVersion}: same fields here. */
    record VersionMetaData(
            String groupId,
            String artifactId,
            String version,
            String artifactType,
            long globalId,
            long contentId,
            String state,
            String owner,
            String createdOn,
            String modifiedBy,
            String modifiedOn) {}

    record VersionSearchResults(int count, List<VersionMetaData> versions) {}

    record SystemInfo(String name, String description, String version) {}

    /** Apicurio's error body; {@code causes} only on rule violations. */
    record ProblemDetails(
            int status,
            String title,
            String detail,
            String name,
            List<RuleViolationCause> causes) {}

    record RuleViolationCause(String description, String context) {}
}
