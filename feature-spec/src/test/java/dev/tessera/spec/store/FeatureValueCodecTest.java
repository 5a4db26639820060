package dev.tessera.spec.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.spec.model.Feature;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.parse.SpecParser;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FeatureValueCodecTest {

    static final FeatureSpec SPEC = SpecParser.parse(Path.of("../features.yaml"));

    /** What the reader logs (feature_log.avsc) is the served value, encoded: it decodes back. */
    @Test
    void servedValuesOfEveryKindDecodeBack() {
        long now = 1_000_000;
        assertServedRoundTrip("txn_count_5m", 3L, now);
        assertServedRoundTrip("txn_amount_sum_5m", 42.5, now);
        assertServedRoundTrip("first_merchant_5m", "m\"1,\\", now);
        assertServedRoundTrip("last_5_merchants", List.of("m1", "a,\"b\""), now);
        assertServedRoundTrip(
                "clicks_by_category_1h", new TreeMap<>(Map.of("books", 2L, "games", 1L)), now);
        assertServedRoundTrip("time_since_last_txn_s", now - 2_500L, now);
    }

    /** time_since_last is stored as an event time and served as seconds. */
    @Test
    void aServedTimeSinceLastIsNotAStoredValue() {
        Feature sinceLast = feature("time_since_last_txn_s");
        String served = FeatureValueCodec.encode(sinceLast.serve(1_000L, 3_500L));

        assertThat(FeatureValueCodec.decodeServed(served, sinceLast)).isEqualTo(2.5);
        assertThatThrownBy(() -> FeatureValueCodec.decode(served, sinceLast))
                .isInstanceOf(NumberFormatException.class);
    }

    private static void assertServedRoundTrip(String name, Object stored, long now) {
        Feature feature = feature(name);
        Object served = feature.serve(stored, now);
        assertThat(FeatureValueCodec.decodeServed(FeatureValueCodec.encode(served), feature))
                .as(name)
                .isEqualTo(served);
    }

    private static Feature feature(String name) {
        return SPEC.feature(name).orElseThrow();
    }
}
