package dev.tessera.gateway.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tessera.gateway.service.Violation;
import java.util.List;

/** An RFC 9457 {@code application/problem+json} body, with the violations of a refused request. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String title, int status, String detail, List<Violation> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
