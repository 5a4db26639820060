package dev.tessera.spec.agg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.spec.model.FieldType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * The contract every aggregation keeps: folding events in any order, split in any way into partials
 * that are stored (encoded and decoded) and merged in any order, gives the same result as folding
 * them all into one accumulator, which is what the aggregation means ({@link Oracle}).
 */
class MergePropertiesTest {

    private static final List<Aggregation> AGGREGATIONS =
            List.of(
                    Count.INSTANCE,
                    Sum.INSTANCE,
                    Avg.INSTANCE,
                    MinMax.MIN,
                    MinMax.MAX,
                    FirstLast.FIRST,
                    FirstLast.LAST,
                    new LastN(1),
                    new LastN(3),
                    new LastN(40),
                    DistinctCount.INSTANCE,
                    CountBy.INSTANCE,
                    TimeSinceLast.INSTANCE,
                    new Percentile(new BigDecimal("0.1")),
                    new Percentile(new BigDecimal("50")),
                    new Percentile(new BigDecimal("95")),
                    new Percentile(new BigDecimal("99.9")),
                    new Percentile(new BigDecimal("100")));

    /** Mostly below the exact bounds of distinct_count and percentile, so results are exact. */
    @Property(tries = 1000)
    void anySplitOrderAndRoundTripGivesTheResultOfOneFold(
            @ForAll("cases") Case c, @ForAll Random random) {
        Object whole = Event.result(c.aggregation(), c.events());
        Object expected = Oracle.result(c.aggregation(), c.events());
        if (expected != Oracle.UNKNOWN) {
            assertThat(whole).isEqualTo(expected);
        }
        Object merged = splitStoreAndMerge(c.aggregation(), c.events(), random).result();
        if (isExact(c)) {
            assertThat(merged).isEqualTo(whole);
        } else {
            // Here many values repeat, between which the digest interpolates: see
            // pastTheExactBounds
            // for its accuracy.
            assertPercentileEstimate(c, (Double) merged, 0.5);
        }
    }

    /**
     * Past the exact bounds: distinct_count stays independent of order and splitting, percentile is
     * close. Without edge cases, which here are long lists of one value, and without shrinking
     * thousands of events.
     */
    @Property(tries = 20, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.OFF)
    void pastTheExactBounds(@ForAll("largeCases") Case c, @ForAll Random random) {
        Object whole = Event.result(c.aggregation(), c.events());
        Object merged = splitStoreAndMerge(c.aggregation(), c.events(), random).result();
        if (isExact(c)) {
            assertThat(merged).isEqualTo(whole);
        } else {
            assertPercentileEstimate(c, (Double) whole, 0.02);
            assertPercentileEstimate(c, (Double) merged, 0.02);
        }
    }

    /**
     * Shuffles the events into 1 to 8 partials, stores each (encodes and decodes it), then merges
     * random pairs (storing the result now and then) until one is left.
     */
    private static Accumulator splitStoreAndMerge(
            Aggregation aggregation, List<Event> events, Random random) {
        List<Accumulator> partials = new ArrayList<>();
        int k = 1 + random.nextInt(8);
        for (int i = 0; i < k; i++) {
            partials.add(aggregation.newAccumulator());
        }
        List<Event> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, random);
        for (Event event : shuffled) {
            partials.get(random.nextInt(k)).add(event.value(), event.time());
        }
        partials.replaceAll(partial -> roundTrip(aggregation, partial));
        while (partials.size() > 1) {
            Accumulator into = partials.get(random.nextInt(partials.size()));
            Accumulator other = partials.get(random.nextInt(partials.size()));
            if (into == other) {
                continue;
            }
            partials.remove(other);
            Object otherBefore = other.result();
            into.merge(other);
            assertThat(other.result()).as("merge changed its argument").isEqualTo(otherBefore);
            if (random.nextInt(4) == 0) {
                partials.set(partials.indexOf(into), roundTrip(aggregation, into));
            }
        }
        return partials.get(0);
    }

    /** The partial decoded from its encoding, which changes neither its result nor the copy's. */
    private static Accumulator roundTrip(Aggregation aggregation, Accumulator partial) {
        Object before = partial.result();
        Accumulator decoded = aggregation.decode(partial.encode());
        assertThat(partial.result()).as("encoding changed the partial").isEqualTo(before);
        assertThat(decoded.result()).as("decoded partial").isEqualTo(before);
        return decoded;
    }

    /**
     * Whether the result does not depend on order and splitting: all but percentile past its exact
     * bound (distinct_count's sketch does not depend on them either).
     */
    private static boolean isExact(Case c) {
        return !(c.aggregation() instanceof Percentile)
                || percentileValues(c.events()).size() <= Percentile.EXACT_LIMIT;
    }

    /**
     * A t-digest estimate lies between the values {@code rankSlack} of ranks either side of the
     * exact one, give or take the rounding of its weighted means.
     */
    private static void assertPercentileEstimate(Case c, Double estimate, double rankSlack) {
        double[] sorted =
                percentileValues(c.events()).stream()
                        .mapToDouble(Double::doubleValue)
                        .sorted()
                        .toArray();
        double q = ((Percentile) c.aggregation()).percent().doubleValue() / 100;
        int slack = (int) Math.ceil(rankSlack * sorted.length);
        int rank = (int) Math.ceil(q * sorted.length) - 1;
        double low = sorted[Math.max(0, rank - slack)];
        double high = sorted[Math.min(sorted.length - 1, rank + slack)];
        double rounding = 1e-12 * Math.max(Math.abs(low), Math.abs(high));
        // Compared as numbers: the digest does not keep -0.0 apart from 0.0.
        assertThat(low - rounding <= estimate && estimate <= high + rounding)
                .as("%s within [%s, %s]", estimate, low, high)
                .isTrue();
    }

    /** The values percentile ranks. */
    private static List<Double> percentileValues(List<Event> events) {
        return events.stream()
                .map(Event::value)
                .filter(v -> v instanceof Number)
                .map(v -> ((Number) v).doubleValue())
                .filter(Double::isFinite)
                .toList();
    }

    record Case(Aggregation aggregation, FieldType type, List<Event> events) {
        @Override
        public String toString() {
            String some = events.size() <= 40 ? events.toString() : events.subList(0, 40) + "...";
            return aggregation + " of " + type + " over " + events.size() + " events " + some;
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Integer> sizes =
                Arbitraries.frequencyOf(
                        Tuple.of(12, Arbitraries.integers().between(0, 12)),
                        Tuple.of(6, Arbitraries.integers().between(13, 200)),
                        Tuple.of(1, Arbitraries.integers().between(1_000, 2_500)));
        List<Tuple2<Aggregation, FieldType>> pairs = new ArrayList<>();
        for (Aggregation aggregation : AGGREGATIONS) {
            for (FieldType type : FieldType.values()) {
                if (aggregation.accepts(type)) {
                    pairs.add(Tuple.of(aggregation, type));
                }
            }
        }
        return Arbitraries.of(pairs)
                .flatMap(pair -> cases(pair.get1(), pair.get2(), sizes, values(pair.get2())));
    }

    /** Thousands of mostly distinct numbers, for the sketched aggregations. */
    @Provide
    Arbitrary<Case> largeCases() {
        Arbitrary<Integer> sizes = Arbitraries.integers().between(2_000, 6_000);
        Arbitrary<Object> longs =
                Arbitraries.longs()
                        .between(-1_000_000, 1_000_000)
                        .withDistribution(RandomDistribution.uniform())
                        .map(Object.class::cast);
        Arbitrary<Object> doubles =
                Arbitraries.doubles()
                        .between(-1e6, 1e6)
                        .withDistribution(RandomDistribution.uniform())
                        .map(Object.class::cast);
        return Arbitraries.of(
                        DistinctCount.INSTANCE,
                        new Percentile(new BigDecimal("50")),
                        new Percentile(new BigDecimal("99")))
                .flatMap(
                        aggregation ->
                                Arbitraries.oneOf(
                                        cases(aggregation, FieldType.LONG, sizes, longs),
                                        cases(aggregation, FieldType.DOUBLE, sizes, doubles)));
    }

    private static Arbitrary<Case> cases(
            Aggregation aggregation,
            FieldType type,
            Arbitrary<Integer> sizes,
            Arbitrary<Object> values) {
        Arbitrary<Event> event =
                Combinators.combine(values.injectNull(0.1), times()).as(Event::new);
        return sizes.flatMap(size -> event.list().ofSize(size))
                .map(events -> new Case(aggregation, type, events));
    }

    /** Event times that often tie, so the value order decides between events. */
    private static Arbitrary<Long> times() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.longs().between(0, 4)), Tuple.of(1, Arbitraries.longs()));
    }

    /**
     * Any double, from random bits: subnormals, huge exponents, infinities and NaN; but no finite
     * value beyond ±1e300, where the t-digest's weighted means overflow (see {@link Percentile}).
     */
    private static Arbitrary<Double> anyDouble() {
        return Arbitraries.longs()
                .map(Double::longBitsToDouble)
                .filter(d -> !Double.isFinite(d) || Math.abs(d) <= 1e300);
    }

    /** Values of a field type that often repeat, and now and then any value at all. */
    private static Arbitrary<Object> values(FieldType type) {
        Arbitrary<?> values =
                switch (type) {
                    case STRING ->
                            Arbitraries.frequencyOf(
                                    Tuple.of(3, Arbitraries.of("", "a", "b", "ab", "é")),
                                    Tuple.of(1, Arbitraries.strings().ofMaxLength(6)));
                    case LONG ->
                            Arbitraries.frequencyOf(
                                    Tuple.of(3, Arbitraries.longs().between(-3, 3)),
                                    Tuple.of(1, Arbitraries.longs()));
                    case DOUBLE ->
                            Arbitraries.frequencyOf(
                                    Tuple.of(
                                            3,
                                            Arbitraries.of(
                                                    -1.5, -0.0, 0.0, 0.1, 0.2, 0.3, 1e16, 1.0)),
                                    Tuple.of(2, Arbitraries.doubles().between(-1e300, 1e300)),
                                    Tuple.of(1, anyDouble()));
                    case BOOLEAN -> Arbitraries.of(true, false);
                    case TIMESTAMP ->
                            Arbitraries.frequencyOf(
                                    Tuple.of(
                                            3,
                                            Arbitraries.longs()
                                                    .between(
                                                            1_700_000_000_000L,
                                                            1_700_000_000_003L)),
                                    Tuple.of(
                                            1, Arbitraries.longs().between(0, 4_000_000_000_000L)));
                };
        return values.map(Object.class::cast);
    }
}
