package dev.tessera.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.util.EnumMap;
import java.util.Map;

/**
 * {@code tessera_auth_refusals_total}, one series per {@link AuthRefusal}, registered at start-up:
 * a series that appears only with its first refusal hides that refusal from {@code increase()} and
 * so from alerts.
 */
@Startup
@Singleton
public class AuthMetrics {

    private final Map<AuthRefusal, Counter> refusals = new EnumMap<>(AuthRefusal.class);

    public AuthMetrics(MeterRegistry registry) {
        for (AuthRefusal refusal : AuthRefusal.values()) {
            refusals.put(
                    refusal,
                    Counter.builder("tessera.auth.refusals")
                            .description(
                                    "Requests refused for want of a valid bearer token (401) or a"
                                            + " grant (403)")
                            .tag("reason", refusal.tag())
                            .register(registry));
        }
    }

    void refused(AuthRefusal refusal) {
        refusals.get(refusal).increment();
    }
}
