package dev.tessera.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import dev.tessera.dev.RawHttp;
import dev.tessera.dev.TesseraTestResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/** Every refusal of the reader is problem+json, from the HTTP layer to JSON binding. */
@QuarkusTest
@QuarkusTestResource(TesseraTestResources.class)
class HttpRefusalsTest {

    static final String PROBLEM = "application/problem+json";

    @Test
    void idsMustBeJsonStringsAndTheRefusalNamesTheIndex() {
        FeatureResourceTest.asReader()
                .contentType(ContentType.JSON)
                .body("{\"ids\": [\"u1\", 2]}")
                .post("/v1/features/user")
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", containsString("ids[1]"))
                .body("detail", containsString("a JSON string"));
        FeatureResourceTest.asReader()
                .contentType(ContentType.JSON)
                .body("{\"ids\": [true]}")
                .post("/v1/features/user")
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", containsString("ids[0]"));
    }

    @Test
    void aBodyOfTheWrongShapeOrNotJsonIsA400Problem() {
        FeatureResourceTest.asReader()
                .contentType(ContentType.JSON)
                .body("{\"ids\": {\"a\": 1}}")
                .post("/v1/features/user")
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", containsString("ids"));
        FeatureResourceTest.asReader()
                .contentType(ContentType.JSON)
                .body("{\"ids\": [\"u1\"")
                .post("/v1/features/user")
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", containsString("not valid JSON"));
        FeatureResourceTest.asReader()
                .contentType(ContentType.JSON)
                .body("{\"ids\": [\"u1\"]} trailing")
                .post("/v1/features/user")
                .then()
                .statusCode(400)
                .contentType(PROBLEM);
    }

    @Test
    void aBlankOrControlCharacterFeatureNameIsA400Problem() {
        for (String names : new String[] {"%00", "txn_count_5m,", "%20", "txn_count_5m%0A"}) {
            FeatureResourceTest.asReader()
                    .urlEncodingEnabled(false)
                    .get("/v1/features/user/u1?names=" + names)
                    .then()
                    .statusCode(400)
                    .contentType(PROBLEM)
                    .body("detail", containsString("blank or holds a control character"));
        }
        FeatureResourceTest.asReader()
                .contentType(ContentType.JSON)
                .body("{\"ids\": [\"u1\"], \"names\": [\"\\u0000\"]}")
                .post("/v1/features/user")
                .then()
                .statusCode(400)
                .contentType(PROBLEM);
    }

    @Test
    void aTooLongUriIsA414Problem() {
        RawHttp.Answer answer =
                RawHttp.exchange(
                        RestAssured.port,
                        "GET /v1/features/user/"
                                + "u".repeat(5000)
                                + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(answer.status()).isEqualTo(414);
        assertThat(answer.header("Content-Type")).isEqualTo(PROBLEM);
        assertThat(answer.body()).contains("\"status\":414");
    }

    @Test
    void tooLargeHeadersAreA431Problem() {
        FeatureResourceTest.asReader()
                .header("X-Padding", "p".repeat(30_000))
                .get("/v1/features/user/u1")
                .then()
                .statusCode(431)
                .contentType(PROBLEM);
    }

    @Test
    void aBodyOverTheHttpLimitIsA413Problem() {
        RawHttp.Answer answer =
                RawHttp.exchange(
                        RestAssured.port,
                        "POST /v1/features/user HTTP/1.1\r\nHost: localhost\r\n"
                                + "Content-Type: application/json\r\n"
                                + "Content-Length: 104857600\r\nConnection: close\r\n\r\n");
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.header("Content-Type")).isEqualTo(PROBLEM);
    }

    @Test
    void wrongMethodMediaTypeAcceptOrPathAreProblems() {
        FeatureResourceTest.asReader()
                .delete("/v1/features/user/u1")
                .then()
                .statusCode(405)
                .contentType(PROBLEM)
                .body("detail", containsString("not allowed"));
        FeatureResourceTest.asReader()
                .contentType(ContentType.TEXT)
                .body("u1")
                .post("/v1/features/user")
                .then()
                .statusCode(415)
                .contentType(PROBLEM);
        FeatureResourceTest.asReader()
                .accept("text/csv")
                .get("/v1/features/user/u1")
                .then()
                .statusCode(406)
                .contentType(PROBLEM);
        FeatureResourceTest.asReader()
                .get("/v1/nothing")
                .then()
                .statusCode(404)
                .contentType(PROBLEM);
    }
}
