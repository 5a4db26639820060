package dev.tessera.health;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the schema registry answers: without it no event schema can be registered or
 * looked up, so a service that produces or consumes Avro (the gateway, the writer) could not do its
 * work. A short timeout keeps {@code /q/health/ready} fast when the registry hangs.
 */
@Readiness
@ApplicationScoped
public class RegistryReadinessCheck implements HealthCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final URI systemInfo;

    public RegistryReadinessCheck(
            @ConfigProperty(name = "apicurio.registry.url") String registryUrl) {
        this.systemInfo = URI.create(registryUrl.replaceAll("/+$", "") + "/system/info");
    }

    @Override
    public HealthCheckResponse call() {
        var response =
                HealthCheckResponse.named("schema-registry").withData("url", systemInfo.toString());
        try {
            int status =
                    http.send(
                                    HttpRequest.newBuilder(systemInfo)
                                            .timeout(TIMEOUT)
                                            .GET()
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode();
            return response.status(status == 200).withData("status", status).build();
        } catch (IOException e) {
            return response.down().withData("error", e.toString()).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return response.down().withData("error", "interrupted").build();
        }
    }
}
