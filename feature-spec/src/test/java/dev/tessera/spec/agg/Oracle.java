package dev.tessera.spec.agg;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What each aggregation means, computed the plain way from the whole list of events, to check the
 * accumulators against where they are exact.
 */
final class Oracle {

    /** The result for inputs where the aggregation is not exact. */
    static final Object UNKNOWN = new Object();

    private static final Comparator<Event> BY_TIME_THEN_VALUE =
            Comparator.comparingLong(Event::time).thenComparing(Event::value, Oracle::compare);

    private Oracle() {}

    static Object result(Aggregation aggregation, List<Event> events) {
        List<Event> present = events.stream().filter(e -> e.value() != null).toList();
        List<Double> numbers =
                present.stream()
                        .filter(e -> e.value() instanceof Number)
                        .map(e -> ((Number) e.value()).doubleValue())
                        .filter(d -> !d.isNaN())
                        .toList();
        if (aggregation == Count.INSTANCE) {
            return (long) events.size();
        }
        if (aggregation == MinMax.MIN) {
            return numbers.stream().reduce(Math::min).orElse(null);
        }
        if (aggregation == MinMax.MAX) {
            return numbers.stream().reduce(Math::max).orElse(null);
        }
        if (aggregation == FirstLast.FIRST) {
            return present.stream().min(BY_TIME_THEN_VALUE).map(Event::value).orElse(null);
        }
        if (aggregation == FirstLast.LAST) {
            return present.stream().max(BY_TIME_THEN_VALUE).map(Event::value).orElse(null);
        }
        if (aggregation instanceof LastN lastN) {
            return present.stream()
                    .sorted(BY_TIME_THEN_VALUE.reversed())
                    .limit(lastN.n())
                    .map(Event::value)
                    .toList();
        }
        if (aggregation == CountBy.INSTANCE) {
            Map<String, Long> counts = new TreeMap<>();
            present.forEach(e -> counts.merge((String) e.value(), 1L, Long::sum));
            return counts;
        }
        if (aggregation == TimeSinceLast.INSTANCE) {
            return events.stream().map(Event::time).max(Long::compare).orElse(null);
        }
        if (aggregation == DistinctCount.INSTANCE) {
            Set<Object> distinct = new HashSet<>();
            for (Event e : present) {
                distinct.add(e.value() instanceof Double d ? d + 0.0 : e.value());
            }
            return distinct.size() <= DistinctCount.EXACT_LIMIT ? (long) distinct.size() : UNKNOWN;
        }
        if (aggregation instanceof Percentile percentile) {
            List<Double> finite = numbers.stream().filter(Double::isFinite).toList();
            return finite.size() > Percentile.EXACT_LIMIT
                    ? UNKNOWN
                    : nearestRank(finite, percentile.percent());
        }
        if (numbers.stream().anyMatch(d -> d.isInfinite())) {
            return UNKNOWN; // the exact sums below know no infinity
        }
        BigDecimal exactSum =
                present.stream()
                        .map(Event::value)
                        .filter(v -> v instanceof Long || !((Double) v).isNaN())
                        .map(
                                v ->
                                        v instanceof Long l
                                                ? new BigDecimal(l)
                                                : new BigDecimal((Double) v))
                        .reduce(BigDecimal.ZERO, BigDecimal::add);
        if (aggregation == Sum.INSTANCE) {
            return exactSum.doubleValue();
        }
        if (aggregation == Avg.INSTANCE) {
            return numbers.isEmpty()
                    ? null
                    : exactSum.divide(new BigDecimal(numbers.size()), MathContext.DECIMAL128)
                            .doubleValue();
        }
        throw new IllegalArgumentException("no oracle for " + aggregation);
    }

    /** The value at index ceil(p/100 * n) - 1 of the sorted numbers, null if none. */
    static Double nearestRank(List<Double> numbers, BigDecimal percent) {
        if (numbers.isEmpty()) {
            return null;
        }
        List<Double> sorted = numbers.stream().sorted().toList();
        int rank =
                percent.multiply(new BigDecimal(sorted.size()))
                        .divide(new BigDecimal(100), 0, RoundingMode.CEILING)
                        .intValueExact();
        return sorted.get(rank - 1);
    }

    private static int compare(Object a, Object b) {
        if (a instanceof String s) return s.compareTo((String) b);
        if (a instanceof Long l) return l.compareTo((Long) b);
        if (a instanceof Double d) return d.compareTo((Double) b);
        return ((Boolean) a).compareTo((Boolean) b);
    }
}
