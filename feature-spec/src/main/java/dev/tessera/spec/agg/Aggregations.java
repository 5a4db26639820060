package dev.tessera.spec.agg;

import java.math.BigDecimal;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The aggregations {@code features.yaml} can name. */
public final class Aggregations {

    private static final List<String> NAMES =
            List.of(
                    "count",
                    "sum",
                    "avg",
                    "min",
                    "max",
                    "first",
                    "last",
                    "last_n(n)",
                    "distinct_count",
                    "percentile(p)",
                    "count_by",
                    "time_since_last");

    /** A name, with an optional argument in parentheses; spaces allowed around each part. */
    private static final Pattern SYNTAX =
            Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(?:\\(\\s*([^()]*?)\\s*\\))?\\s*");

    private static final Pattern INTEGER = Pattern.compile("\\d+");
    private static final Pattern DECIMAL = Pattern.compile("\\d+(\\.\\d+)?");

    private Aggregations() {}

    /**
     * The aggregation written {@code text}, such as {@code sum}, {@code last_n(5)} or {@code
     * percentile(99.9)}; the inverse of {@link Aggregation#name()}. Throws {@link
     * IllegalArgumentException} saying what is wrong and what is accepted.
     */
    public static Aggregation parse(String text) {
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not an aggregation (expected one of " + known() + ")");
        }
        String name = m.group(1);
        String argument = m.group(2);
        return switch (name) {
            case "count" -> withoutArgument(Count.INSTANCE, argument);
            case "sum" -> withoutArgument(Sum.INSTANCE, argument);
            case "avg" -> withoutArgument(Avg.INSTANCE, argument);
            case "min" -> withoutArgument(MinMax.MIN, argument);
            case "max" -> withoutArgument(MinMax.MAX, argument);
            case "first" -> withoutArgument(FirstLast.FIRST, argument);
            case "last" -> withoutArgument(FirstLast.LAST, argument);
            case "distinct_count" -> withoutArgument(DistinctCount.INSTANCE, argument);
            case "count_by" -> withoutArgument(CountBy.INSTANCE, argument);
            case "time_since_last" -> withoutArgument(TimeSinceLast.INSTANCE, argument);
            case "last_n" ->
                    withArgument(
                            argument,
                            "last_n(n)",
                            INTEGER,
                            "n must be an integer from 1 to " + LastN.MAX_N,
                            n -> new LastN(Integer.parseInt(n)));
            case "percentile" ->
                    withArgument(
                            argument,
                            "percentile(p)",
                            DECIMAL,
                            "p must be a number with 0 < p <= 100",
                            p -> new Percentile(new BigDecimal(p)));
            default ->
                    throw new IllegalArgumentException(
                            "unknown aggregation '" + name + "' (expected one of " + known() + ")");
        };
    }

    /** The aggregations, as written with a placeholder argument, for messages. */
    public static List<String> names() {
        return NAMES;
    }

    private static String known() {
        return String.join(", ", NAMES);
    }

    private static Aggregation withoutArgument(Aggregation aggregation, String argument) {
        if (argument != null) {
            throw new IllegalArgumentException(
                    "bad argument '" + argument + "': " + aggregation.name() + " takes none");
        }
        return aggregation;
    }

    private static Aggregation withArgument(
            String argument,
            String form,
            Pattern syntax,
            String rule,
            Function<String, Aggregation> create) {
        if (argument == null) {
            throw new IllegalArgumentException(form + " needs an argument: " + rule);
        }
        if (syntax.matcher(argument).matches()) {
            try {
                return create.apply(argument);
            } catch (IllegalArgumentException outOfRange) {
                // Also a NumberFormatException, for more digits than an int holds. The message
                // below says all there is to say.
            }
        }
        throw new IllegalArgumentException(
                "bad argument '" + argument + "' of " + form + ": " + rule);
    }
}
