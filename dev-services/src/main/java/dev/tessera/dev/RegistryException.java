package dev.tessera.dev;

import dev.tessera.dev.RegistryWire.ProblemDetails;
import dev.tessera.dev.RegistryWire.RuleViolationCause;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An error answered as Apicurio answers it: an HTTP status and a {@link ProblemDetails} whose
 * {@code name} is the simple name of the exception Apicurio's server would throw, since clients and
 * people reading logs know those names.
 */
final class RegistryException extends RuntimeException {

    private final int status;
    private final String name;
    private final List<RuleViolationCause> causes;

    private RegistryException(
            int status, String name, String title, List<RuleViolationCause> causes) {
        super(title);
        this.status = status;
        this.name = name;
        this.causes = causes;
    }

    static RegistryException badRequest(String name, String title) {
        return new RegistryException(400, name, title, null);
    }

    static RegistryException notFound(String name, String title) {
        return new RegistryException(404, name, title, null);
    }

    static RegistryException methodNotAllowed(String method, String path) {
        return new RegistryException(
                405, "MethodNotAllowedException", method + " is not allowed on " + path, null);
    }

    static RegistryException conflict(String name, String title) {
        return new RegistryException(409, name, title, null);
    }

    /** A content rule (validity, integrity, compatibility) rejected the content: 409. */
    static RegistryException ruleViolation(String title, List<RuleViolationCause> causes) {
        return new RegistryException(409, "RuleViolationException", title, List.copyOf(causes));
    }

    int status() {
        return status;
    }

    ProblemDetails toProblemDetails() {
        return new ProblemDetails(status, getMessage(), detail(), name, causes);
    }

    /** Like Apicurio's: the title followed by every cause and where it applies. */
    private String detail() {
        if (causes == null || causes.isEmpty()) {
            return getMessage();
        }
        return getMessage()
                + " Causes: "
                + causes.stream()
                        .map(
                                c ->
                                        c.context() == null || c.context().isBlank()
                                                ? c.description()
                                                : c.description() + " at " + c.context())
                        .collect(Collectors.joining(", "));
    }
}
