package dev.tessera.dev;

import dev.tessera.spec.model.Entity;
import dev.tessera.spec.model.FeatureSpec;
import dev.tessera.spec.model.Field;
import dev.tessera.spec.model.Stream;
import dev.tessera.spec.model.Window;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;

/**
 * Synthetic events for every stream of a {@code features.yaml}, posted to the gateway: first two
 * hours of history, so windows close and features appear at once, then live events. The events
 * follow the streams' declarations, so a new stream gets traffic without code: a field named as an
 * entity's key holds that entity's ids, so joins on it match. A stream with session features falls
 * silent for longer than its session gap before the live events, so the sessions of the history
 * close.
 */
public final class DemoTraffic implements Runnable {

    public static final int ENTITIES = 20;
    static final Duration HISTORY = Duration.ofHours(2);
    static final Duration HISTORY_STEP = Duration.ofSeconds(30);
    static final Duration LIVE_INTERVAL = Duration.ofSeconds(1);

    private final FeatureSpec spec;
    private final String gatewayUrl;
    private final String token;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Random random = new Random();
    private long sent;

    /**
     * @param token a bearer token granting {@code produce:*} (or every stream of the spec)
     */
    public DemoTraffic(FeatureSpec spec, String gatewayUrl, String token) {
        this.spec = spec;
        this.gatewayUrl = gatewayUrl;
        this.token = token;
    }

    @Override
    public void run() {
        postHistory();
        System.out.printf("demo: posted %d events of history; now streaming live events%n", sent);
        long nextReport = System.currentTimeMillis() + 60_000;
        while (!Thread.currentThread().isInterrupted()) {
            postLive();
            if (System.currentTimeMillis() > nextReport) {
                System.out.printf("demo: %d events posted%n", sent);
                nextReport += 60_000;
            }
            LocalPipeline.sleep(LIVE_INTERVAL);
        }
    }

    /** Posts the history: two hours of events, up to now. */
    public void postHistory() {
        long now = System.currentTimeMillis();
        for (long ts = now - HISTORY.toMillis(); ts < now; ts += HISTORY_STEP.toMillis()) {
            for (Stream stream : spec.streams()) {
                if (ts < now - silenceBeforeLive(stream).toMillis()) {
                    post(stream, ts);
                }
            }
        }
    }

    /** Posts one round of live events, stamped now. */
    public void postLive() {
        postAll(System.currentTimeMillis());
    }

    private void postAll(long ts) {
        for (Stream stream : spec.streams()) {
            post(stream, ts);
        }
    }

    /** Events of some entities at about {@code ts}. */
    private void post(Stream stream, long ts) {
        StringBuilder ndjson = new StringBuilder();
        for (int entity = 1; entity <= ENTITIES; entity++) {
            if (random.nextInt(3) == 0) {
                continue; // not every entity is active at every moment
            }
            ndjson.append(event(stream, entity, ts)).append('\n');
        }
        post(stream, ndjson.toString());
    }

    /** Longer than the stream's longest session gap, or nothing for a stream without sessions. */
    private Duration silenceBeforeLive(Stream stream) {
        return spec.groupsOf(stream).stream()
                .flatMap(group -> group.features().stream())
                .filter(feature -> feature.window() instanceof Window.Session)
                .map(feature -> feature.window().size().plusMinutes(5))
                .max(Duration::compareTo)
                .orElse(Duration.ZERO);
    }

    private String event(Stream stream, int entity, long ts) {
        StringBuilder json = new StringBuilder("{");
        for (Field field : stream.fields()) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('"').append(field.name()).append("\":");
            if (field.name().equals(stream.keyField())) {
                json.append('"')
                        .append(stream.entity().name())
                        .append('-')
                        .append(entity)
                        .append('"');
            } else if (field.name().equals(stream.timeField())) {
                json.append(ts + random.nextInt(1000));
            } else if (entityKeyed(field) != null) {
                // Another entity's id, such as a click's product: one the demo has events of.
                json.append('"')
                        .append(entityKeyed(field))
                        .append('-')
                        .append(1 + random.nextInt(ENTITIES))
                        .append('"');
            } else if (stream.dedupe() != null && field.name().equals(stream.dedupe().field())) {
                // Unique, as a producer's event ids are: repeated ones would count once.
                json.append('"').append(UUID.randomUUID()).append('"');
            } else {
                json.append(value(field));
            }
        }
        return json.append('}').toString();
    }

    /** The entity a field holds the id of (it is named as its key), or null. */
    private String entityKeyed(Field field) {
        return spec.entities().stream()
                .filter(entity -> entity.key().equals(field.name()))
                .map(Entity::name)
                .findFirst()
                .orElse(null);
    }

    private String value(Field field) {
        return switch (field.type()) {
            case STRING -> "\"" + field.name() + "-" + (1 + random.nextInt(8)) + "\"";
            case LONG -> Integer.toString(1 + random.nextInt(100));
            case DOUBLE ->
                    String.format(java.util.Locale.ROOT, "%.2f", 1 + 199 * random.nextDouble());
            case BOOLEAN -> Boolean.toString(random.nextBoolean());
            case TIMESTAMP -> Long.toString(System.currentTimeMillis());
        };
    }

    private void post(Stream stream, String ndjson) {
        if (ndjson.isEmpty()) {
            return;
        }
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(gatewayUrl + "/v1/events/" + stream.name()))
                        .header("Content-Type", "application/x-ndjson")
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(ndjson))
                        .build();
        try {
            HttpResponse<String> response =
                    http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 202) {
                sent += ndjson.chars().filter(c -> c == '\n').count();
            } else {
                System.out.printf(
                        "demo: %s answered %d %s%n",
                        stream.name(), response.statusCode(), response.body());
            }
        } catch (IOException e) {
            System.out.printf("demo: posting to %s failed: %s%n", stream.name(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
