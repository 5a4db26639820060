package dev.tessera.bench;

import dev.tessera.dev.JwtIssuer;
import dev.tessera.spec.avro.AvroSchemas;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Stream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * The ingest-gateway: batched NDJSON POSTs of ~100-byte events, beside Kafka's own
 * ProducerPerformance with the gateway's producer settings and record size; single-event POSTs; and
 * what verifying a bearer token costs them.
 */
final class GatewayBench {

    static final String SECTION = "gateway";
    static final String STREAM = "ingest_bench";
    static final String BASELINE_TOPIC = "producer_perf_baseline";
    static final int EVENTS_PER_POST = 1_000;
    static final int BATCH_CONCURRENCY = 4;
    static final int SINGLE_CONCURRENCY = 16;

    /** The gateway's producer settings (ingest-gateway application.properties). */
    static final List<String> PRODUCER_PROPS =
            List.of("acks=all", "enable.idempotence=true", "linger.ms=5", "compression.type=lz4");

    private static final Pattern RECORDS_PER_SECOND =
            Pattern.compile("records sent, ([0-9.]+) records/sec");

    private final BenchContext context;
    private final Stream stream;
    private final String gatewayUrl;
    private final String bearer;
    private final String untrustedBearer = "Bearer " + JwtIssuer.untrusted().token("produce:*");
    private final String bootstrapServers;
    private final List<String> bodies = new ArrayList<>();

    /**
     * @param token a bearer token granting {@code produce:transactions}: every POST is verified
     */
    GatewayBench(
            BenchContext context,
            FeatureSpec spec,
            String gatewayUrl,
            String token,
            String bootstrapServers) {
        this.context = context;
        this.stream = spec.stream(STREAM).orElseThrow();
        this.gatewayUrl = gatewayUrl;
        this.bearer = "Bearer " + token;
        this.bootstrapServers = bootstrapServers;
        for (int b = 0; b < 8; b++) {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < EVENTS_PER_POST; i++) {
                body.append(event()).append('\n');
            }
            bodies.add(body.toString());
        }
    }

    List<Figure> run(Runnable createBaselineTopic) throws Exception {
        // Warm-up: JIT, the producer's metadata and the registry's schema.
        context.http().closedLoop(this::batch, BATCH_CONCURRENCY, context.seconds(5));
        context.http().closedLoop(this::single, SINGLE_CONCURRENCY, context.seconds(3));

        List<Figure> figures = new ArrayList<>();
        HttpLoad.Result batches =
                context.http().closedLoop(this::batch, BATCH_CONCURRENCY, context.seconds(15));
        createBaselineTopic.run();
        int recordSize = avroRecordSize();
        double baseline = producerPerformance(recordSize);
        figures.add(
                Targets.ratioAtLeast(
                        SECTION,
                        "NDJSON POSTs of "
                                + EVENTS_PER_POST
                                + " events (~"
                                + event().length()
                                + " bytes each), "
                                + BATCH_CONCURRENCY
                                + " in flight",
                        batches.perSecond() * EVENTS_PER_POST,
                        "events/s",
                        baseline,
                        "kafka ProducerPerformance, "
                                + recordSize
                                + "-byte records (the events' Avro size), "
                                + String.join(" ", PRODUCER_PROPS),
                        0.5));
        figures.add(
                Figure.info(
                        SECTION,
                        "NDJSON POSTs of " + EVENTS_PER_POST + " events, p99 per POST",
                        batches.millis(99),
                        "ms"));
        HttpLoad.Result singles =
                context.http().closedLoop(this::single, SINGLE_CONCURRENCY, context.seconds(10));
        figures.add(
                Figure.info(
                        SECTION,
                        "single-event POSTs, " + SINGLE_CONCURRENCY + " in flight",
                        singles.perSecond(),
                        "req/s"));
        figures.add(
                Figure.info(
                        SECTION,
                        "single-event POSTs, " + SINGLE_CONCURRENCY + " in flight, p99",
                        singles.millis(99),
                        "ms"));
        figures.addAll(tokenCost(singles));
        if (batches.errors() + singles.errors() > 0) {
            figures.add(
                    Figure.info(SECTION, "failed POSTs", batches.errors() + singles.errors(), ""));
        }
        return figures;
    }

    /**
     * The cost of verifying a token, side by side in the same conditions: single-event POSTs
     * refused 401 before any verification (no token) against POSTs refused 401 after verifying the
     * token's RS256 signature (signed by another key: parsed and verified in full, then refused at
     * the same point). The difference, per request, as a share of an accepted single-event POST's
     * time.
     */
    private List<Figure> tokenCost(HttpLoad.Result singles) throws InterruptedException {
        HttpLoad.Result anonymous =
                context.http()
                        .closedLoop(() -> single(null), SINGLE_CONCURRENCY, context.seconds(5));
        HttpLoad.Result verified =
                context.http()
                        .closedLoop(
                                () -> single(untrustedBearer),
                                SINGLE_CONCURRENCY,
                                context.seconds(5));
        double share =
                singles.perSecond()
                        * (1 / verified.answeredPerSecond() - 1 / anonymous.answeredPerSecond());
        return List.of(
                Figure.info(
                        SECTION,
                        "POSTs refused 401 without a token (nothing verified), "
                                + SINGLE_CONCURRENCY
                                + " in flight",
                        anonymous.answeredPerSecond(),
                        "req/s"),
                Figure.info(
                        SECTION,
                        "POSTs refused 401 after verifying the token's RS256 signature, "
                                + SINGLE_CONCURRENCY
                                + " in flight",
                        verified.answeredPerSecond(),
                        "req/s"),
                Figure.info(
                        SECTION,
                        "token verification, share of a single-event POST's time",
                        100 * share,
                        "%"));
    }

    private HttpLoad.Request batch() {
        return HttpLoad.Request.post(
                        gatewayUrl + "/v1/events/" + STREAM,
                        "application/x-ndjson",
                        bodies.get(ThreadLocalRandom.current().nextInt(bodies.size())))
                .header("Authorization", bearer);
    }

    private HttpLoad.Request single() {
        return single(bearer);
    }

    /** A single-event POST with this {@code Authorization} header, or none. */
    private HttpLoad.Request single(String authorization) {
        HttpLoad.Request request =
                HttpLoad.Request.post(
                        gatewayUrl + "/v1/events/" + STREAM, "application/json", event());
        return authorization == null ? request : request.header("Authorization", authorization);
    }

    /** One event of about 100 bytes of JSON. */
    private static String event() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return String.format(
                "{\"user_id\":\"bench-user-%06d\",\"amount\":%.2f,\"merchant\":\"merchant-%04d\",\"ts\":%d}",
                random.nextInt(1_000_000),
                random.nextDouble(1_000),
                random.nextInt(10_000),
                System.currentTimeMillis());
    }

    /** The size of one event on Kafka: the serde's 5-byte header and the Avro binary record. */
    private int avroRecordSize() throws IOException {
        GenericRecord record = new GenericData.Record(AvroSchemas.eventSchema(stream));
        for (Map.Entry<String, Object> field :
                Map.<String, Object>of(
                                "user_id",
                                "bench-user-000042",
                                "amount",
                                512.25,
                                "merchant",
                                "merchant-0042",
                                "ts",
                                System.currentTimeMillis())
                        .entrySet()) {
            record.put(field.getKey(), field.getValue());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return 5 + bytes.size();
    }

    /** Kafka's producer perf test in a JVM of its own: its records per second. */
    private double producerPerformance(int recordSize) throws Exception {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                Processes.java(),
                                "-Xmx512m",
                                "-cp",
                                System.getProperty("java.class.path"),
                                "org.apache.kafka.tools.ProducerPerformance",
                                "--topic",
                                BASELINE_TOPIC,
                                "--num-records",
                                Integer.toString(context.count(5_000_000, 50_000)),
                                "--record-size",
                                Integer.toString(recordSize),
                                "--throughput",
                                "-1",
                                "--producer-props",
                                "bootstrap.servers=" + bootstrapServers));
        command.addAll(PRODUCER_PROPS);
        String output = Processes.run(command, 600);
        Matcher matcher = RECORDS_PER_SECOND.matcher(output);
        double last = Double.NaN;
        while (matcher.find()) {
            last = Double.parseDouble(matcher.group(1));
        }
        if (Double.isNaN(last)) {
            throw new IllegalStateException(
                    "no result in ProducerPerformance's output:\n" + output);
        }
        return last;
    }
}
