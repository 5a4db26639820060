package dev.tessera.spec.parse;

/** A problem in a {@code features.yaml}; the message names the file, the line and the problem. */
public class SpecException extends RuntimeException {

    private final String file;
    private final int line;
    private final String problem;

    public SpecException(String file, int line, String problem) {
        super(file + ":" + line + ": " + problem);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    public String file() {
        return file;
    }

    /** 1-based line number. */
    public int line() {
        return line;
    }

    public String problem() {
        return problem;
    }
}
