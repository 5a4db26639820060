package dev.tessera.reader;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.tessera.dev.JwtIssuer;
import dev.tessera.dev.PrometheusText;
import dev.tessera.dev.TesseraTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may read what: {@code GET /v1/features/{entity}/{id}} and {@code POST /v1/features/{entity}}
 * with no token, bad tokens, a token for another entity, and the right ones. Refusals are
 * problem+json and counted by reason.
 */
@QuarkusTest
@QuarkusTestResource(TesseraTestResources.class)
class AuthorizationMatrixTest {

    @TestHTTPResource(value = "/metrics", management = true)
    String metrics;

    static Stream<Arguments> refusals() {
        return Stream.concat(
                JwtIssuer.unverifiable(AuthorizationMatrixTest::jwt, "read:*").stream()
                        .map(token -> refused(token.name(), token.token(), 401, token.reason())),
                Stream.of(
                        refused(
                                "granted another entity",
                                () -> jwt().token("read:product"),
                                403,
                                "not_granted"),
                        refused(
                                "granted produce only",
                                () -> jwt().token("produce:*"),
                                403,
                                "not_granted"),
                        refused(
                                "granted an entity prefix only",
                                () -> jwt().token("read:use"),
                                403,
                                "not_granted")));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("refusals")
    void refusesBothEndpoints(String name, Supplier<String> token, int status, String reason) {
        PrometheusText before = scrape();

        for (boolean batch : List.of(false, true)) {
            ValidatableResponse response =
                    read(token.get(), "user", batch)
                            .then()
                            .statusCode(status)
                            .contentType("application/problem+json")
                            .body("status", equalTo(status));
            if (status == 401) {
                response.header("WWW-Authenticate", startsWith("Bearer"))
                        .body("title", equalTo("Unauthorized"));
            } else {
                response.body("title", equalTo("Forbidden"))
                        .body("detail", containsString("read:user"));
            }
        }

        assertThat(refusals(scrape(), reason) - refusals(before, reason)).isEqualTo(2);
    }

    @Test
    void anUnknownEntityIsForbiddenUnlessEveryEntityIsGranted() {
        read(jwt().token("read:user"), "merchant", false).then().statusCode(403);
        read(jwt().token("read:*"), "merchant", false)
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void theEntitysGrantOrEveryEntityMayRead() {
        for (String grant : List.of("read:user", "read:*")) {
            read(jwt().token("produce:transactions", grant), "user", false)
                    .then()
                    .statusCode(200)
                    .body("id", equalTo("u1"));
            read(jwt().token(grant), "user", true)
                    .then()
                    .statusCode(200)
                    .body("results.id", equalTo(List.of("u1", "u2")));
        }
    }

    private static Response read(String token, String entity, boolean batch) {
        RequestSpecification request = given();
        if (token != null) {
            request.auth().oauth2(token);
        }
        if (batch) {
            return request.contentType(ContentType.JSON)
                    .body("{\"ids\": [\"u1\", \"u2\"], \"names\": [\"txn_count_5m\"]}")
                    .post("/v1/features/{entity}", entity);
        }
        return request.get("/v1/features/{entity}/u1?names=txn_count_5m", entity);
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
