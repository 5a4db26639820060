package dev.tessera.dev;

/** Command-line parsing shared by the dev-services' {@code main} methods. */
final class Arguments {

    private Arguments() {}

    /** The value after the option at {@code i - 1}. */
    static String requireValue(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
