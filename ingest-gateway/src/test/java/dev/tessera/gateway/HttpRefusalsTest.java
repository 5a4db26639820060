package dev.tessera.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.tessera.dev.RawHttp;
import dev.tessera.dev.TesseraTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Refusals made before the gateway's own code runs are problem+json too. */
@QuarkusTest
@QuarkusTestResource(TesseraTestResources.class)
class HttpRefusalsTest {

    static final String PROBLEM = "application/problem+json";

    @Test
    void aContentLengthOverTheLimitIsRefusedOnItsHeadersAsAProblem() {
        // No body follows: an answer proves the gateway refused before reading (buffering) it.
        RawHttp.Answer answer =
                RawHttp.exchange(
                        RestAssured.port,
                        "POST /v1/events/transactions HTTP/1.1\r\nHost: localhost\r\n"
                                + "Content-Type: application/json\r\n"
                                + "Content-Length: 5242881\r\nConnection: close\r\n\r\n");
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.header("Content-Type")).isEqualTo(PROBLEM);
        assertThat(answer.body()).contains("\"status\":413").contains("5242880 bytes");
    }

    @Test
    void aChunkedBodyGrowingOverTheLimitIsA413Problem() {
        // No Content-Length to refuse on: the body is refused as it grows past the limit.
        int chunk = 1024 * 1024;
        StringBuilder request =
                new StringBuilder(
                        "POST /v1/events/transactions HTTP/1.1\r\nHost: localhost\r\n"
                                + "Content-Type: application/json\r\n"
                                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        for (int i = 0; i < 6; i++) {
            request.append(Integer.toHexString(chunk)).append("\r\n");
            request.append("x".repeat(chunk)).append("\r\n");
        }
        request.append("0\r\n\r\n");
        RawHttp.Answer answer = RawHttp.exchange(RestAssured.port, request.toString());
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.header("Content-Type")).as(answer.head()).isEqualTo(PROBLEM);
    }

    @Test
    void aChunkedBodyWithinTheLimitIsAccepted() {
        String event =
                EventResourceTest.event(
                        EventResourceTest.unique("chunked"), 1.5, System.currentTimeMillis());
        int length = event.getBytes(StandardCharsets.UTF_8).length;
        RawHttp.Answer answer =
                RawHttp.exchange(
                        RestAssured.port,
                        "POST /v1/events/transactions HTTP/1.1\r\nHost: localhost\r\n"
                                + "Authorization: Bearer "
                                + TesseraTestResources.jwt().token("produce:*")
                                + "\r\nContent-Type: application/json\r\n"
                                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                                + Integer.toHexString(length)
                                + "\r\n"
                                + event
                                + "\r\n0\r\n\r\n");
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
    }

    @Test
    void aBodyAtTheLimitReachesTheGatewayWhichSaysWhatIsWrong() {
        String padding = "x".repeat(5 * 1024 * 1024 - 20);
        given().auth()
                .oauth2(TesseraTestResources.jwt().token("produce:*"))
                .contentType(ContentType.JSON)
                .body("{\"user_id\": \"" + padding + "\"}")
                .post("/v1/events/transactions")
                .then()
                .statusCode(400)
                .contentType(PROBLEM);
    }

    @Test
    void aTooLongUriIsA414Problem() {
        RawHttp.Answer answer =
                RawHttp.exchange(
                        RestAssured.port,
                        "GET /v1/events/"
                                + "s".repeat(5000)
                                + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(answer.status()).isEqualTo(414);
        assertThat(answer.header("Content-Type")).isEqualTo(PROBLEM);
        assertThat(answer.body()).contains("\"status\":414").contains("more than the 4096");
    }

    @Test
    void tooLargeHeadersAreA431Problem() {
        given().header("X-Padding", "p".repeat(30_000))
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/v1/events/transactions")
                .then()
                .statusCode(431)
                .contentType(PROBLEM)
                .body("status", equalTo(431));
    }

    @Test
    void aWrongMethodIsA405Problem() {
        given().get("/v1/events/transactions")
                .then()
                .statusCode(405)
                .contentType(PROBLEM)
                .body("detail", containsString("not allowed on /v1/events/transactions"));
    }

    @Test
    void aWrongContentTypeIsA415Problem() {
        given().contentType(ContentType.TEXT)
                .body("hello")
                .post("/v1/events/transactions")
                .then()
                .statusCode(415)
                .contentType(PROBLEM)
                .body("detail", containsString("text/plain"));
    }

    @Test
    void anUnacceptableAnswerTypeIsA406Problem() {
        given().contentType(ContentType.JSON)
                .accept("text/csv")
                .body("{}")
                .post("/v1/events/transactions")
                .then()
                .statusCode(406)
                .contentType(PROBLEM)
                .body("detail", containsString("text/csv"));
    }

    @Test
    void anUnknownPathIsA404Problem() {
        given().get("/v2/nothing")
                .then()
                .statusCode(404)
                .contentType(PROBLEM)
                .body("detail", containsString("/v2/nothing"));
    }
}
