package dev.tessera.e2e;

import dev.tessera.dev.JwtIssuer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Requests a hostile or broken client sends to the gateway and the reader, generated from a seed:
 * malformed and deeply nested JSON, wrong types, NaN and huge numbers, injection in ids, names and
 * stream names, wrong methods and content types, over-long URIs and headers, events ten years
 * ahead, and tokens that are missing, malformed, expired, of another issuer or audience, signed by
 * another key or granting something else. Some are valid on purpose (an id that looks like an
 * injection is still just an id): the test counts what the gateway accepted.
 */
final class HostileRequests {

    /** One request, with at most one header beyond authorization and content type. */
    record Request(
            Service service,
            String method,
            String target,
            String contentType,
            String authorization,
            String body,
            String extraHeader,
            String extraValue) {

        String describe() {
            String shown = body == null ? "" : body;
            return method
                    + " "
                    + service
                    + abbreviate(target, 120)
                    + " ["
                    + contentType
                    + "] "
                    + abbreviate(shown, 160);
        }
    }

    enum Service {
        GATEWAY,
        READER
    }

    static final List<String> STREAMS = List.of("transactions", "clicks", "purchases", "products");

    /** Strings that have broken parsers, stores, logs and templates elsewhere. */
    static final List<String> NASTY =
            List.of(
                    "' OR '1'='1",
                    "\"; DROP TABLE users; --",
                    "<script>alert(1)</script>",
                    "${jndi:ldap://127.0.0.1:1/a}",
                    "{{7*7}}",
                    "../../etc/passwd",
                    "%00",
                    "\u0000",
                    "\r\nSET user:x 1\r\n",
                    "*3\r\n$3\r\nDEL\r\n",
                    "\u202e\u0007\u001b[31m",
                    "user|tumbling|5m",
                    "{user}",
                    "\ud83d\ude00\ud83d\ude00",
                    "user\\id",
                    " ",
                    "null");

    private final Random random;
    private final List<Supplier<String>> tokens;
    private final String producer;
    private final String reader;

    HostileRequests(Random random, JwtIssuer jwt) {
        this.random = random;
        this.producer = bearer(jwt.token("produce:*"));
        this.reader = bearer(jwt.token("read:*"));
        List<Supplier<String>> refused = new ArrayList<>();
        JwtIssuer.unverifiable(() -> jwt, "produce:*", "read:*")
                .forEach(
                        credential ->
                                refused.add(
                                        () -> {
                                            String token = credential.token().get();
                                            return token == null ? null : bearer(token);
                                        }));
        refused.add(() -> "Bearer");
        refused.add(() -> "Basic dXNlcjpwYXNz");
        refused.add(() -> "Bearer " + "a".repeat(5000));
        // Valid, but granting something else or nothing.
        refused.add(() -> bearer(jwt.token("produce:clicks", "read:product")));
        refused.add(() -> bearer(jwt.token("read:*")));
        refused.add(() -> bearer(jwt.token("produce:*")));
        refused.add(() -> bearer(jwt.token()));
        this.tokens = List.copyOf(refused);
    }

    List<Request> generate(int count) {
        List<Request> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            requests.add(random.nextInt(100) < 55 ? gateway() : reader());
        }
        return requests;
    }

    private Request gateway() {
        String auth = random.nextInt(100) < 75 ? producer : pick(tokens).get();
        String stream = random.nextInt(100) < 85 ? pick(STREAMS) : hostileName();
        String path = "/v1/events/" + stream;
        return switch (random.nextInt(16)) {
            case 0 -> post(Service.GATEWAY, path, "application/json", auth, malformedJson());
            case 1 -> post(Service.GATEWAY, path, "application/json", auth, deeplyNested());
            case 2 -> post(Service.GATEWAY, path, "application/json", auth, wrongTypes());
            case 3 -> post(Service.GATEWAY, path, "application/json", auth, nonFinite());
            case 4 -> post(Service.GATEWAY, path, "application/x-ndjson", auth, ndjson());
            case 5 -> post(Service.GATEWAY, path, "application/json", auth, nastyButValid());
            case 6 -> post(Service.GATEWAY, path, "application/json", auth, futureEvent());
            case 7 -> post(Service.GATEWAY, path, "application/json", auth, oddJson());
            case 8 -> post(Service.GATEWAY, path, pick(WRONG_TYPES), auth, transaction("u1"));
            case 9 ->
                    new Request(
                            Service.GATEWAY,
                            pick(List.of("GET", "PUT", "DELETE", "PATCH")),
                            path,
                            "application/json",
                            auth,
                            transaction("u1"),
                            null,
                            null);
            case 10 ->
                    post(
                            Service.GATEWAY,
                            "/v1/events/transactions?x=" + "a".repeat(5000 + random.nextInt(20000)),
                            "application/json",
                            auth,
                            transaction("u1"));
            case 11 ->
                    new Request(
                            Service.GATEWAY,
                            "POST",
                            path,
                            "application/json",
                            auth,
                            transaction("u1"),
                            "X-Padding",
                            "b".repeat(9000 + random.nextInt(20000)));
            case 12 ->
                    new Request(
                            Service.GATEWAY,
                            "POST",
                            path,
                            "application/json",
                            auth,
                            transaction("u1"),
                            "Idempotency-Key",
                            random.nextBoolean() ? "k".repeat(201) : " ");
            case 13 ->
                    // Half a megabyte each: a few are enough.
                    random.nextInt(20) == 0
                            ? post(Service.GATEWAY, path, "application/json", auth, tooManyEvents())
                            : post(
                                    Service.GATEWAY,
                                    path,
                                    "application/json",
                                    auth,
                                    nastyButValid());
            case 14 ->
                    new Request(
                            Service.GATEWAY,
                            "POST",
                            path,
                            "application/json",
                            auth,
                            transaction("u1"),
                            "Accept",
                            "application/xml");
            default -> post(Service.GATEWAY, path, "application/json", auth, missingAndUnknown());
        };
    }

    private Request reader() {
        String auth = random.nextInt(100) < 75 ? reader : pick(tokens).get();
        String entity = random.nextInt(100) < 85 ? pick(List.of("user", "product")) : hostileName();
        return switch (random.nextInt(10)) {
            case 0, 1 ->
                    get(
                            "/v1/features/"
                                    + entity
                                    + "/"
                                    + encode(random.nextBoolean() ? pick(NASTY) : "u1")
                                    + "?names="
                                    + encode(hostileNames()),
                            auth);
            case 2 -> get("/v1/features/" + entity + "/" + encode(pick(NASTY)), auth);
            case 3 ->
                    get(
                            "/v1/features/"
                                    + entity
                                    + "/"
                                    + "i".repeat(300 + random.nextInt(20000)),
                            auth);
            case 4 ->
                    get(
                            "/v1/features/"
                                    + entity
                                    + "/u1?names="
                                    + pick(
                                            List.of(
                                                    "%00",
                                                    "%01",
                                                    "%20",
                                                    ",,",
                                                    "%0d%0a",
                                                    "a%00b",
                                                    "txn_count_5m,%7f")),
                            auth);
            case 5 ->
                    post(
                            Service.READER,
                            "/v1/features/" + entity,
                            "application/json",
                            auth,
                            batchBody());
            case 6 ->
                    post(
                            Service.READER,
                            "/v1/features/" + entity,
                            "application/json",
                            auth,
                            malformedJson());
            case 7 ->
                    post(
                            Service.READER,
                            "/v1/features/" + entity,
                            "application/json",
                            auth,
                            deeplyNested());
            case 8 ->
                    new Request(
                            Service.READER,
                            pick(List.of("PUT", "DELETE", "PATCH", "POST")),
                            "/v1/features/" + entity + "/u1",
                            pick(WRONG_TYPES),
                            auth,
                            "{\"ids\": [\"u1\"]}",
                            null,
                            null);
            default ->
                    post(
                            Service.READER,
                            "/v1/features/" + entity,
                            pick(WRONG_TYPES),
                            auth,
                            "{\"ids\": [\"u1\"]}");
        };
    }

    private static final List<String> WRONG_TYPES =
            List.of(
                    "text/plain",
                    "application/xml",
                    "application/x-www-form-urlencoded",
                    "multipart/form-data; boundary=x",
                    "application/octet-stream",
                    "application/json; charset=ebcdic");

    private String malformedJson() {
        String valid = transaction("u1");
        return switch (random.nextInt(7)) {
            case 0 -> valid.substring(0, 1 + random.nextInt(valid.length() - 1));
            case 1 -> "{\"user_id\": }";
            case 2 -> "\ufeff" + valid + "}";
            case 3 -> randomBytes();
            case 4 -> valid + valid;
            case 5 -> "{'user_id': 'u1'}";
            default -> "";
        };
    }

    private String deeplyNested() {
        int depth = pick(List.of(100, 1_000, 5_000, 50_000));
        return random.nextBoolean()
                ? "[".repeat(depth) + "]".repeat(depth)
                : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    private String wrongTypes() {
        return pick(
                List.of(
                        "{\"user_id\": 1, \"amount\": 1.0, \"merchant\": \"m\", \"ts\": 1}",
                        "{\"user_id\": \"u1\", \"amount\": \"1.0\", \"merchant\": \"m\", \"ts\": 1}",
                        "{\"user_id\": \"u1\", \"amount\": 1.0, \"merchant\": [\"m\"], \"ts\": 1}",
                        "{\"user_id\": \"u1\", \"amount\": 1.0, \"merchant\": \"m\", \"ts\": \"soon\"}",
                        "{\"user_id\": {\"id\": \"u1\"}, \"amount\": 1.0, \"merchant\": \"m\", \"ts\": 1}",
                        "{\"user_id\": \"u1\", \"amount\": true, \"merchant\": \"m\", \"ts\": 1}",
                        "{\"user_id\": \"u1\", \"amount\": 1.0, \"merchant\": \"m\", \"ts\": 1.5e3}",
                        "{\"user_id\": \"u1\", \"amount\": 1.0, \"merchant\": null, \"ts\": 1}"));
    }

    private String nonFinite() {
        return "{\"user_id\": \"u1\", \"amount\": "
                + pick(
                        List.of(
                                "NaN",
                                "Infinity",
                                "-Infinity",
                                "1e999",
                                "-1e999",
                                "0x10",
                                "+1",
                                ".5"))
                + ", \"merchant\": \"m\", \"ts\": 1700000000000}";
    }

    private String ndjson() {
        return transaction("u1")
                + "\n"
                + pick(List.of("{", "[1,2]", "null", "\"x\"", transaction(pick(NASTY))))
                + "\n";
    }

    /** Valid events whose ids and strings look like attacks: accepted and stored as data. */
    private String nastyButValid() {
        return "{\"user_id\": "
                + json(pick(NASTY) + random.nextInt(1000))
                + ", \"amount\": 1.25, \"merchant\": "
                + json(pick(NASTY))
                + ", \"ts\": "
                + (System.currentTimeMillis() - 3_600_000)
                + "}";
    }

    private String futureEvent() {
        long tenYears = Duration.ofDays(3650).toMillis();
        return "{\"user_id\": \"u1\", \"amount\": 1.0, \"merchant\": \"m\", \"ts\": "
                + (System.currentTimeMillis() + tenYears)
                + "}";
    }

    private String oddJson() {
        return pick(
                List.of(
                        "null",
                        "[]",
                        "[null]",
                        "\"event\"",
                        "42",
                        "{}",
                        "[[]]",
                        "{\"user_id\": \"u1\", \"user_id\": \"u2\", \"amount\": 1.0, \"merchant\": \"m\", \"ts\": 1}"));
    }

    private String missingAndUnknown() {
        return pick(
                List.of(
                        "{\"user_id\": \"u1\"}",
                        "{\"user_id\": \"u1\", \"amount\": 1.0, \"merchant\": \"m\", \"ts\": 1, \"__proto__\": {}}",
                        "{\"user_id\": \"\", \"amount\": 1.0, \"merchant\": \"m\", \"ts\": 1}",
                        "{\"user_id\": \""
                                + "x".repeat(5000)
                                + "\", \"amount\": 1.0, \"merchant\": \"m\", \"ts\": 1}"));
    }

    private String tooManyEvents() {
        int count = 10_001 + random.nextInt(100);
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            body.append(i == 0 ? "" : ",")
                    .append("{\"user_id\":\"u\",\"amount\":1,\"merchant\":\"m\",\"ts\":1}");
        }
        return body.append("]").toString();
    }

    private String batchBody() {
        return pick(
                List.of(
                        "{\"ids\": [1, 2]}",
                        "{\"ids\": [\"u1\", null]}",
                        "{\"ids\": \"u1\"}",
                        "{\"ids\": [[\"u1\"]]}",
                        "{\"ids\": [{\"id\": \"u1\"}]}",
                        "{\"ids\": []}",
                        "{}",
                        "null",
                        "{\"ids\": [\"u1\"], \"names\": [1]}",
                        "{\"ids\": [\"u1\"], \"names\": [\"\\u0000\"]}",
                        "{\"ids\": [\"u1\"], \"names\": [\" \"]}",
                        "{\"ids\": [\"u1\"], \"names\": [\"nope\"]}",
                        "{\"ids\": [\"u1\"]} trailing",
                        "{\"ids\": [" + ids(5000 + random.nextInt(1000)) + "]}",
                        "{\"ids\": [" + json(pick(NASTY)) + "], \"names\": [\"txn_count_5m\"]}"));
    }

    private String hostileName() {
        return encode(
                pick(
                        List.of(
                                "transactions'",
                                "../transactions",
                                "TRANSACTIONS",
                                "tränsactions",
                                "n".repeat(300),
                                "a;b",
                                "%00",
                                "user\u0000",
                                "_unknown")));
    }

    private String hostileNames() {
        return pick(
                List.of(
                        "txn_count_5m,nope",
                        "\u0000",
                        " ",
                        "txn_count_5m,,txn_amount_sum_5m",
                        "a".repeat(3000),
                        String.join(",", Collections.nCopies(500, "txn_count_5m")),
                        pick(NASTY)));
    }

    private String ids(int count) {
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < count; i++) {
            ids.append(i == 0 ? "" : ",").append("\"u").append(i).append('"');
        }
        return ids.toString();
    }

    private String randomBytes() {
        byte[] bytes = new byte[1 + random.nextInt(200)];
        random.nextBytes(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static String transaction(String user) {
        return "{\"user_id\": "
                + json(user)
                + ", \"amount\": 1.0, \"merchant\": \"m\", \"ts\": 1700000000000}";
    }

    private Request post(
            Service service, String path, String contentType, String auth, String body) {
        return new Request(service, "POST", path, contentType, auth, body, null, null);
    }

    private Request get(String path, String auth) {
        return new Request(Service.READER, "GET", path, null, auth, null, null, null);
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A JSON string literal. */
    static String json(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "...(" + text.length() + ")";
    }
}
