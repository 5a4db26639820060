package dev.tessera.reader.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.reader.config.ReaderConfig;
import dev.tessera.spec.avro.FeatureLogEntry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class FeatureLoggerTest {

    @Test
    void theRateIsFromZeroToOne() {
        for (double rate : new double[] {0, 0.001, 0.5, 1}) {
            assertThat(FeatureLogger.validRate(rate)).isEqualTo(rate);
        }
        for (double rate : new double[] {-0.1, 1.01, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> FeatureLogger.validRate(rate))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("tessera.reader.feature-log.rate must be from 0 to 1");
        }
    }

    @Test
    void aShareRateOfRequestsIsSampled() {
        assertThat(sampledOf(0, 10_000)).isZero();
        assertThat(sampledOf(1, 10_000)).isEqualTo(10_000);
        // 100,000 draws at 0.25: 25,000 +- 1,000 is more than 7 standard deviations.
        assertThat(sampledOf(0.25, 100_000)).isBetween(24_000L, 26_000L);
    }

    /**
     * Off by default: with no Kafka settings at all (a producer would refuse to be created without
     * bootstrap servers) nor a registry, the logger starts and samples nothing.
     */
    @Test
    void atRateZeroNothingOfKafkaIsNeededAndNothingIsSampled() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        FeatureLogger logger = new FeatureLogger(config(0), Map.of(), "http://nowhere", meters);
        try {
            assertThat(IntStream.range(0, 10_000).filter(i -> logger.sampled()).count()).isZero();
            assertThat(meters.get("tessera.reader.feature.log.dropped").counter().count()).isZero();
        } finally {
            logger.close();
        }
    }

    /**
     * Nothing listens on port 1: a read hands its entries over at once, the overflow is dropped.
     */
    @Test
    void whenKafkaAndTheRegistryAreDownEntriesAreDroppedWithoutWaiting() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        FeatureLogger logger =
                new FeatureLogger(
                        config(1),
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1"),
                        "http://localhost:1/apis/registry/v3",
                        meters);
        try {
            FeatureLogEntry entry = new FeatureLogEntry(1, "user", "u1", Map.of());
            long start = System.nanoTime();
            for (int i = 0; i < 2 * FeatureLogger.QUEUE_CAPACITY; i++) {
                logger.log(entry);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(1));
            assertThat(meters.get("tessera.reader.feature.log.dropped").counter().count())
                    .isGreaterThanOrEqualTo(FeatureLogger.QUEUE_CAPACITY - 1);
            assertThat(meters.get("tessera.reader.feature.log.sent").counter().count()).isZero();
        } finally {
            logger.close();
        }
    }

    @Test
    void aRateOutOfRangeStopsTheLogger() {
        assertThatThrownBy(
                        () ->
                                new FeatureLogger(
                                        config(2),
                                        Map.of(),
                                        "http://nowhere",
                                        new SimpleMeterRegistry()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static long sampledOf(double rate, int requests) {
        return IntStream.range(0, requests).filter(i -> FeatureLogger.sampled(rate)).count();
    }

    private static ReaderConfig config(double rate) {
        ReaderConfig.FeatureLog featureLog =
                new ReaderConfig.FeatureLog() {
                    @Override
                    public double rate() {
                        return rate;
                    }

                    @Override
                    public String topic() {
                        return "feature-log";
                    }
                };
        ReaderConfig.Reader reader =
                new ReaderConfig.Reader() {
                    @Override
                    public int maxIdsPerRequest() {
                        return 1000;
                    }

                    @Override
                    public ReaderConfig.FeatureLog featureLog() {
                        return featureLog;
                    }
                };
        return new ReaderConfig() {
            @Override
            public Path specPath() {
                return Path.of("features.yaml");
            }

            @Override
            public Reader reader() {
                return reader;
            }
        };
    }
}
