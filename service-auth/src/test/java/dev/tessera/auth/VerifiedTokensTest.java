package dev.tessera.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.jwt.auth.principal.ParseException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

class VerifiedTokensTest {

    final AtomicLong now = new AtomicLong(1_000_000);
    final List<String> verifications = new ArrayList<>();

    final VerifiedTokens cache = new VerifiedTokens(now::get);

    /** Accepts tokens named "good-<exp seconds>" and refuses others. */
    final VerifiedTokens.Verifier verifier =
            raw -> {
                verifications.add(raw);
                if (!raw.startsWith("good-")) {
                    throw new ParseException("refused");
                }
                return token(Long.parseLong(raw.substring(5)));
            };

    @Test
    void verifiesATokenOnceUntilTheReverificationInterval() throws Exception {
        String raw = "good-" + (now.get() / 1000 + 3600);

        JsonWebToken first = cache.get(raw, verifier);
        now.addAndGet(VerifiedTokens.REVERIFY_AFTER.toMillis() - 1);
        JsonWebToken second = cache.get(raw, verifier);
        now.addAndGet(1);
        cache.get(raw, verifier);

        assertThat(second).isSameAs(first);
        assertThat(verifications).containsExactly(raw, raw);
    }

    @Test
    void neverServesATokenPastItsExpiry() throws Exception {
        String raw = "good-" + (now.get() / 1000 + 5);

        cache.get(raw, verifier);
        now.addAndGet(5_000);
        cache.get(raw, verifier);

        assertThat(verifications).containsExactly(raw, raw);
    }

    @Test
    void refusesARefusedTokenEveryTime() {
        assertThatThrownBy(() -> cache.get("forged", verifier)).isInstanceOf(ParseException.class);
        assertThatThrownBy(() -> cache.get("forged", verifier)).isInstanceOf(ParseException.class);

        assertThat(verifications).containsExactly("forged", "forged");
    }

    private static JsonWebToken token(long expiresSeconds) {
        return (JsonWebToken)
                Proxy.newProxyInstance(
                        VerifiedTokensTest.class.getClassLoader(),
                        new Class<?>[] {JsonWebToken.class},
                        (proxy, method, args) ->
                                switch (method.getName()) {
                                    case "getExpirationTime" -> expiresSeconds;
                                    case "getGroups" -> Set.of();
                                    default -> null;
                                });
    }
}
