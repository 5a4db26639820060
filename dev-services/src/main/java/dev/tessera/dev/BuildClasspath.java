package dev.tessera.dev;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The classpath of a child JVM, written at build time by the dependency plugin's {@code
 * build-classpath} goal into a resource next to this class.
 */
final class BuildClasspath {

    private BuildClasspath() {}

    /**
     * The classpath in resource {@code name}.
     *
     * @param writtenBy the module whose build writes it, for the error message
     */
    static String read(String name, String writtenBy) {
        try (InputStream in = BuildClasspath.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(
                        name
                                + " is missing next to "
                                + BuildClasspath.class.getName()
                                + ": build "
                                + writtenBy
                                + " with Maven, which writes it in generate-resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }
}
