package dev.tessera.writer.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.ApiExceptionBuilder;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** Which decoding failures the writer retries (the registry's fault) rather than dead-letters. */
class RegistryFailureTest {

    @Test
    void aRegistryUnreachableOrAnswering5xxIsRetriedAnUnknownSchemaIsNot() {
        assertThat(FeatureUpdateConsumer.isUnreachable(wrapped(new ConnectException("refused"))))
                .isTrue();
        assertThat(FeatureUpdateConsumer.isUnreachable(wrapped(status(503)))).isTrue();
        assertThat(FeatureUpdateConsumer.isUnreachable(wrapped(status(404)))).isFalse();
        assertThat(FeatureUpdateConsumer.isUnreachable(new IllegalStateException("not Avro")))
                .isFalse();
    }

    private static ApiException status(int code) {
        return new ApiExceptionBuilder()
                .withMessage("registry answered " + code)
                .withResponseStatusCode(code)
                .build();
    }

    private static RuntimeException wrapped(Throwable cause) {
        return new IllegalStateException("deserializing", cause);
    }
}
