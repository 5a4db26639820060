package dev.tessera.cli;

import java.io.PrintStream;
import java.util.Arrays;

/** {@code ./tessera COMMAND [OPTIONS]}: the project's operations commands. */
public final class Tessera {

    static final String USAGE =
            """
            usage: ./tessera COMMAND [OPTIONS]
            commands:
              check-spec [--spec FILE] [--registry URL]
                  checks features.yaml (default ./features.yaml); with --registry (the Apicurio
                  Registry v3 API, e.g. http://localhost:8085/apis/registry/v3) also whether every
                  stream's schema may follow the versions registered, under the stream's
                  compatibility rule. Changes nothing. Exit 0 if it may, 1 if not, 2 on bad usage,
                  3 if the registry cannot be asked.
              training-set --spine FILE --features NAME[,NAME...] --out FILE [OPTIONS]
                  a training set: each spine row's features as of its time, computed by the
                  feature job's operators over the kept events (./tessera training-set --help
                  for its options; README, "Training data").
              consistency [OPTIONS]
                  what the reader served (its feature log) against the training set of the same
                  rows: mismatch, missing, extra and SMAPE per feature, differences by cause.
            """;

    private Tessera() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; returns its exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(USAGE);
            return 2;
        }
        String[] options = Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "check-spec" -> CheckSpec.run(options, out, err);
            case "help", "--help", "-h" -> {
                out.print(USAGE);
                yield 0;
            }
            default -> {
                err.println("unknown command '" + args[0] + "'");
                err.print(USAGE);
                yield 2;
            }
        };
    }
}
