package ai.pipeline.platform.tracing;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code app.tracing.*}: OpenTelemetry traces of pipeline runs, off unless an endpoint is set.
 *
 * @param otlpEndpoint where spans are sent over OTLP/HTTP (protobuf), e.g.
 *                     {@code http://collector:4318/v1/traces} (env {@code APP_TRACING_OTLP_ENDPOINT});
 *                     empty: no spans are made or sent
 * @param serviceName  the {@code service.name} of this process's spans
 */
@ConfigurationProperties("app.tracing")
public record TracingSettings(@DefaultValue("") String otlpEndpoint, @DefaultValue("ai-pipeline") String serviceName) {

    public boolean enabled() {
        return otlpEndpoint != null && !otlpEndpoint.isBlank();
    }
}
