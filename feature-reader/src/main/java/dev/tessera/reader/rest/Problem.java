package dev.tessera.reader.rest;

/** An RFC 9457 {@code application/problem+json} body. */
public record Problem(String title, int status, String detail) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
