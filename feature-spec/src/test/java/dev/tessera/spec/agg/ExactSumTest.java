package dev.tessera.spec.agg;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/**
 * {@link ExactSum}'s 128-bit form against the plain {@code BigDecimal} sum it stands for: the same
 * value and the same encoded bytes, whether the numbers fit the fast form, overflow it, or are
 * merged from partials held in either form.
 */
class ExactSumTest {

    @Property(tries = 2000)
    void anySplitIsTheBigDecimalSum(
            @ForAll("numbers") List<Number> numbers, @ForAll Random random) {
        ExactSum total = new ExactSum();
        ExactSum part = new ExactSum();
        for (Number number : numbers) {
            part.add(number);
            if (random.nextInt(8) == 0) {
                total.add(
                        switch (random.nextInt(3)) {
                            case 0 -> part;
                            case 1 -> part.copy();
                            default -> decoded(part);
                        });
                part = new ExactSum();
            }
        }
        total.add(part);
        assertSame(total, numbers);
        assertSame(decoded(total), numbers);
    }

    @Test
    void overflowingTheFastFormKeepsTheExactSum() {
        List<Number> numbers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            numbers.add(Long.MAX_VALUE); // 2^63 * 10 needs more than 64 bits
            numbers.add(0.1); // scale 55: the 64-bit sum shifted left by 55 needs 122 bits
        }
        numbers.add(1e-300); // a shift of 1000 bits: only a BigDecimal holds this
        numbers.add(-1e300);
        numbers.add(Double.MIN_VALUE);
        assertSame(sum(numbers), numbers);
        for (int from = 0; from < numbers.size(); from++) {
            List<Number> tail = numbers.subList(from, numbers.size());
            ExactSum merged = sum(numbers.subList(0, from));
            merged.add(sum(tail));
            assertSame(merged, numbers);
        }
    }

    @Test
    void theEdgesOfTheFastForm() {
        assertSame(sum(List.of()), List.of());
        assertSame(sum(List.of(-0.0, 0.0)), List.of(-0.0, 0.0));
        assertSame(
                sum(List.of(Long.MIN_VALUE, Long.MIN_VALUE)),
                List.of(Long.MIN_VALUE, Long.MIN_VALUE));
        assertSame(sum(List.of(Long.MIN_VALUE, -1L)), List.of(Long.MIN_VALUE, -1L));
        assertSame(sum(List.of(1L << 53, 1L)), List.of(1L << 53, 1L));
        assertSame(sum(List.of(Double.MAX_VALUE, 1.0)), List.of(Double.MAX_VALUE, 1.0));
        assertSame(sum(List.of(Double.MIN_NORMAL, 3.0)), List.of(Double.MIN_NORMAL, 3.0));
        assertSame(
                sum(List.of(Double.MIN_VALUE, -Double.MIN_VALUE)),
                List.of(Double.MIN_VALUE, -Double.MIN_VALUE));
        assertSame(
                sum(List.of(Double.POSITIVE_INFINITY, 2.5)),
                List.of(Double.POSITIVE_INFINITY, 2.5));
        // -2^63 * 2^-1 * 2: the value read from a low word of Long.MIN_VALUE.
        assertSame(sum(List.of(-(1L << 62), 0.5, -0.5)), List.of(-(1L << 62), 0.5, -0.5));
        // 2^126 fits, 2^127 does not: the second addition leaves the fast form.
        assertSame(sum(List.of(0x1p126, 0x1p126, -0x1p126)), List.of(0x1p126, 0x1p126, -0x1p126));
        assertSame(
                sum(List.of(-0x1p126, -0x1p126, -1L, 0x1p126)),
                List.of(-0x1p126, -0x1p126, -1L, 0x1p126));
        // A zero sum of tiny numbers, then large ones.
        assertSame(sum(List.of(1e-40, -1e-40, 1e20)), List.of(1e-40, -1e-40, 1e20));
        ExactSum twice = sum(List.of(0.1, 3L));
        twice.add(twice);
        assertSame(twice, List.of(0.1, 3L, 0.1, 3L));
    }

    @Test
    void sumAndAvgCopyTheirAccumulatorIntoAnIndependentOne() {
        for (Aggregation aggregation : List.of(Sum.INSTANCE, Avg.INSTANCE)) {
            Accumulator original = aggregation.newAccumulator();
            original.add(0.1, 0);
            original.add(2L, 1);
            Accumulator copy = aggregation.copy(original);
            assertThat(copy.encode()).isEqualTo(original.encode());
            assertThat(copy.result()).isEqualTo(original.result());

            copy.add(1e300, 2);
            assertThat(original.result()).isEqualTo(aggregation == Sum.INSTANCE ? 2.1 : 1.05);
            original.add(0.2, 3);
            assertThat(copy.encode()).isNotEqualTo(original.encode());
        }
    }

    @Provide
    Arbitrary<List<Number>> numbers() {
        Arbitrary<Number> amounts =
                Arbitraries.integers()
                        .between(-10_000_000, 10_000_000)
                        .map(cents -> (Number) (cents / 100.0));
        Arbitrary<Number> longs = Arbitraries.longs().map(l -> (Number) l);
        Arbitrary<Number> smallLongs = Arbitraries.longs().between(-1000, 1000).map(l -> l);
        Arbitrary<Number> anyDoubles =
                Arbitraries.longs()
                        .map(Double::longBitsToDouble)
                        .filter(d -> !d.isNaN())
                        .map(d -> (Number) d);
        Arbitrary<Number> gaussians =
                Arbitraries.randomValue(
                        random -> random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20));
        return Arbitraries.frequencyOf(
                        Tuple.of(6, amounts),
                        Tuple.of(2, smallLongs),
                        Tuple.of(1, longs),
                        Tuple.of(1, anyDoubles),
                        Tuple.of(3, gaussians))
                .list()
                .ofMaxSize(60);
    }

    private static ExactSum sum(List<Number> numbers) {
        ExactSum sum = new ExactSum();
        numbers.forEach(sum::add);
        return sum;
    }

    private static ExactSum decoded(ExactSum sum) {
        Encoding.Writer out = new Encoding.Writer(0);
        sum.writeTo(out);
        return ExactSum.readFrom(new Encoding.Reader(out.toByteArray(), 0, "sum"));
    }

    /** {@code sum} holds the sum that adding {@code numbers} to a {@code BigDecimal} gives. */
    private static void assertSame(ExactSum sum, List<Number> numbers) {
        BigDecimal reference = BigDecimal.ZERO;
        boolean positiveInfinity = false;
        boolean negativeInfinity = false;
        for (Number number : numbers) {
            if (number instanceof Long l) {
                reference = reference.add(BigDecimal.valueOf(l));
            } else if (number.doubleValue() == Double.POSITIVE_INFINITY) {
                positiveInfinity = true;
            } else if (number.doubleValue() == Double.NEGATIVE_INFINITY) {
                negativeInfinity = true;
            } else {
                reference = reference.add(new BigDecimal(number.doubleValue()));
            }
        }
        int infinities = (positiveInfinity ? 1 : 0) | (negativeInfinity ? 2 : 0);
        Encoding.Writer expected =
                new Encoding.Writer(0)
                        .writeByte(infinities)
                        .writeSigned(reference.scale())
                        .writeBytes(reference.unscaledValue().toByteArray());
        Encoding.Writer actual = new Encoding.Writer(0);
        sum.writeTo(actual);
        assertThat(actual.toByteArray()).isEqualTo(expected.toByteArray());
        if (infinities == 0) {
            assertThat(sum.value()).isEqualTo(reference.doubleValue());
            if (!numbers.isEmpty()) {
                assertThat(sum.mean(numbers.size()))
                        .isEqualTo(
                                reference
                                        .divide(
                                                BigDecimal.valueOf(numbers.size()),
                                                MathContext.DECIMAL128)
                                        .doubleValue());
            }
        }
    }
}
