package dev.tessera.gateway.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's metrics, tagged by stream name only for streams {@code features.yaml} declares (an
 * unknown name from a request is tagged {@value #UNKNOWN_STREAM}, so requests cannot grow the
 * number of series).
 */
@ApplicationScoped
public class IngestMetrics {

    static final String UNKNOWN_STREAM = "_unknown";

    /** Why events were rejected: the {@code reason} tag. */
    public enum Reason {
        INVALID,
        UNKNOWN_STREAM,
        TOO_LARGE,
        KAFKA_UNAVAILABLE;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final AtomicInteger inFlight;

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.inFlight = new AtomicInteger();
        Gauge.builder("tessera.gateway.produce.inflight.events", inFlight, AtomicInteger::get)
                .description("Events handed to the producer, not yet acknowledged or failed")
                .register(registry);
    }

    public void accepted(String stream, int events) {
        Counter.builder("tessera.gateway.events.accepted")
                .description("Events acknowledged by Kafka and answered 202")
                .tag("stream", stream)
                .register(registry)
                .increment(events);
    }

    /**
     * @param events the events of the request, or 1 when the request was rejected before its events
     *     could be counted (unknown stream, body too large, malformed JSON)
     */
    public void rejected(String stream, Reason reason, int events) {
        Counter.builder("tessera.gateway.events.rejected")
                .description("Events of rejected requests (nothing of such a request is produced)")
                .tag("stream", stream)
                .tag("reason", reason.tag())
                .register(registry)
                .increment(events);
    }

    /** Time from handing a request's events to the producer until Kafka acknowledged them all. */
    public void produced(String stream, Duration latency) {
        Timer.builder("tessera.gateway.produce.latency")
                .description("Time until Kafka acknowledged every event of a request")
                .tag("stream", stream)
                .serviceLevelObjectives(SLO_BUCKETS)
                .register(registry)
                .record(latency);
    }

    /** Events handed to the producer and not yet acknowledged or failed. */
    public void sending(int events) {
        inFlight.addAndGet(events);
    }

    public void sent(int events) {
        inFlight.addAndGet(-events);
    }

    /** A few buckets around the expected latencies (acks=all, linger 5 ms) up to the timeout. */
    private static final Duration[] SLO_BUCKETS = {
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofSeconds(5),
        Duration.ofSeconds(15)
    };
}
