package dev.tessera.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    static final String SCRAPE =
            """
            # HELP x_total Things
            # TYPE x_total counter
            x_total{stream="a",reason="invalid"} 2.0
            x_total{stream="b",reason="invalid",} 3.0
            lag{quantile="0.5"} NaN
            up 1
            """;

    @Test
    void sumsAndFindsSamplesByNameAndLabelSubset() {
        PrometheusText text = new PrometheusText(SCRAPE);

        assertThat(text.names()).containsExactly("lag", "up", "x_total");
        assertThat(text.sum("x_total", Map.of())).isEqualTo(5.0);
        assertThat(text.sum("x_total", Map.of("stream", "b"))).isEqualTo(3.0);
        assertThat(text.sum("x_total", Map.of("stream", "c"))).isZero();
        assertThat(text.has("x_total", Map.of("reason", "invalid"))).isTrue();
        assertThat(text.max("x_total", Map.of())).isEqualTo(3.0);
        assertThat(text.min("x_total", Map.of())).isEqualTo(2.0);
        assertThat(text.sum("lag", Map.of())).isZero();
        assertThat(text.max("up", Map.of())).isEqualTo(1.0);
    }

    @Test
    void bucketsOfAHistogramAreSummedOverItsOtherLabels() {
        PrometheusText text =
                new PrometheusText(
                        """
                        t_seconds_bucket{group="a",le="0.1"} 1.0
                        t_seconds_bucket{group="a",le="+Inf"} 2.0
                        t_seconds_bucket{group="b",le="0.1"} 3.0
                        t_seconds_bucket{group="b",le="+Inf"} 5.0
                        t_seconds_count{group="a"} 2.0
                        """);

        assertThat(text.buckets("t_seconds"))
                .containsExactly(Map.entry(0.1, 4.0), Map.entry(Double.POSITIVE_INFINITY, 7.0));
        assertThat(text.buckets("other")).isEmpty();
    }
}
