package dev.tessera.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.tessera.dev.JwtIssuer;
import dev.tessera.dev.PrometheusText;
import dev.tessera.dev.TesseraTestResources;
import dev.tessera.gateway.rest.EventResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may post what: {@code POST /v1/events/{stream}}, as JSON and as NDJSON, with no token, bad
 * tokens, a token for another stream, and the right ones. Refusals are problem+json, counted by
 * reason, and produce nothing (the topic's end offsets do not move).
 */
@QuarkusTest
@QuarkusTestResource(TesseraTestResources.class)
class AuthorizationMatrixTest {

    static final String TOPIC = EventResourceTest.TOPIC;

    @TestHTTPResource(value = "/metrics", management = true)
    String metrics;

    static Stream<Arguments> refusals() {
        return Stream.concat(
                JwtIssuer.unverifiable(AuthorizationMatrixTest::jwt, "produce:*").stream()
                        .map(token -> refused(token.name(), token.token(), 401, token.reason())),
                Stream.of(
                        refused(
                                "granted another stream",
                                () -> jwt().token("produce:clicks"),
                                403,
                                "not_granted"),
                        refused(
                                "granted reads only",
                                () -> jwt().token("read:*"),
                                403,
                                "not_granted"),
                        refused(
                                "granted a stream prefix only",
                                () -> jwt().token("produce:transaction"),
                                403,
                                "not_granted")));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("refusals")
    void refusesAndProducesNothing(String name, Supplier<String> token, int status, String reason) {
        long offsetBefore = TopicReader.endOffset(TOPIC);
        PrometheusText before = scrape();

        for (boolean ndjson : List.of(false, true)) {
            ValidatableResponse response =
                    post(token.get(), "transactions", ndjson)
                            .then()
                            .statusCode(status)
                            .contentType("application/problem+json")
                            .body("status", equalTo(status));
            if (status == 401) {
                response.header("WWW-Authenticate", startsWith("Bearer"))
                        .body("title", equalTo("Unauthorized"));
            } else {
                response.body("title", equalTo("Forbidden"))
                        .body("detail", containsString("produce:transactions"));
            }
        }

        assertThat(refusals(scrape(), reason) - refusals(before, reason)).isEqualTo(2);
        // The refused requests were valid otherwise: only authorization stopped them.
        assertThat(TopicReader.endOffset(TOPIC)).isEqualTo(offsetBefore);
    }

    @Test
    void anUnknownStreamIsForbiddenUnlessEveryStreamIsGranted() {
        post(jwt().token("produce:transactions"), "refunds", false)
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        post(jwt().token("produce:*"), "refunds", false)
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void theStreamsGrantOrEveryStreamMayProduce() {
        for (String grant : List.of("produce:transactions", "produce:*")) {
            for (boolean ndjson : List.of(false, true)) {
                long offsetBefore = TopicReader.endOffset(TOPIC);
                post(jwt().token("read:user", grant), "transactions", ndjson)
                        .then()
                        .statusCode(202)
                        .body("accepted", equalTo(2));
                assertThat(TopicReader.endOffset(TOPIC)).isEqualTo(offsetBefore + 2);
            }
        }
    }

    private static Response post(String token, String stream, boolean ndjson) {
        String first = EventResourceTest.event("authz", 1.0, 1_700_000_000_000L);
        String second = EventResourceTest.event("authz", 2.0, 1_700_000_001_000L);
        RequestSpecification request = given();
        if (token != null) {
            request.auth().oauth2(token);
        }
        if (ndjson) {
            request.contentType(EventResource.NDJSON)
                    .body((first + "\n" + second + "\n").getBytes(StandardCharsets.UTF_8));
        } else {
            request.contentType(ContentType.JSON).body("[" + first + "," + second + "]");
        }
        return request.post("/v1/events/{stream}", stream);
    }

    private static Arguments refused(
            String name, Supplier<String> token, int status, String reason) {
        return Arguments.of(name, token, status, reason);
    }

    private static JwtIssuer jwt() {
        return TesseraTestResources.jwt();
    }

    private PrometheusText scrape() {
        return new PrometheusText(given().get(metrics).then().statusCode(200).extract().asString());
    }

    private static double refusals(PrometheusText scrape, String reason) {
        return scrape.sum("tessera_auth_refusals_total", Map.of("reason", reason));
    }
}
