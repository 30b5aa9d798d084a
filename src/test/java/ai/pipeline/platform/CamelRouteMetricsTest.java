package ai.pipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.MicrometerUtils;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * camel-micrometer's route policy (4.18.0) on the application's Camel core (4.22.0), configured as
 * {@link CamelRouteMetrics} does: what a Prometheus scrape shows after exchanges that succeed, fail
 * and fail but are handled.
 */
class CamelRouteMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DefaultCamelContext camel = new DefaultCamelContext();

    @BeforeEach
    void start() throws Exception {
        camel.addRoutePolicyFactory(new CamelRouteMetrics().camelRoutePolicyMetrics(registry));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:ok").routeId("test-ok").log("ok");
                from("direct:fails").routeId("test-fails").throwException(new IllegalStateException("no"));
                from("direct:handled").routeId("test-handled")
                        .onException(IllegalStateException.class).handled(true).end()
                        .throwException(new IllegalStateException("handled"));
            }
        });
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    void itRunsOnTheApplicationsCamelCore() {
        assertThat(camel.getVersion()).startsWith("4.22.");
    }

    @Test
    void camelMicrometersOwnLookupFindsTheApplicationsRegistry() {
        new CamelRouteMetrics().camelMetricsRegistry(registry).beforeApplicationStart(camel);
        assertThat(MicrometerUtils.getOrCreateMeterRegistry(camel.getRegistry(), MicrometerConstants.METRICS_REGISTRY_NAME))
                .isSameAs(registry);
    }

    @Test
    void exchangesFailuresAndProcessingTimeAreCountedPerRouteId() {
        ProducerTemplate producer = camel.createProducerTemplate();
        producer.sendBody("direct:ok", "a");
        producer.sendBody("direct:ok", "b");
        assertThatThrownBy(() -> producer.sendBody("direct:fails", "c")).isInstanceOf(CamelExecutionException.class);
        producer.sendBody("direct:handled", "d");

        List<String> scrape = registry.scrape().lines().filter(line -> !line.startsWith("#")).toList();
        assertThat(scrape)
                .anySatisfy(line -> assertThat(line).startsWith("camel_exchanges_total{").contains("routeId=\"test-ok\"").endsWith(" 2.0"))
                .anySatisfy(line -> assertThat(line).startsWith("camel_exchanges_failed_total{").contains("routeId=\"test-fails\"").endsWith(" 1.0"))
                .anySatisfy(line -> assertThat(line).startsWith("camel_exchanges_failed_total{").contains("routeId=\"test-ok\"").endsWith(" 0.0"))
                .anySatisfy(line -> assertThat(line).startsWith("camel_exchanges_failures_handled_total{")
                        .contains("routeId=\"test-handled\"").endsWith(" 1.0"))
                .anySatisfy(line -> assertThat(line).startsWith("camel_route_policy_seconds_count{").contains("routeId=\"test-ok\"").endsWith(" 2"))
                .anySatisfy(line -> assertThat(line).startsWith("camel_route_policy_seconds_bucket{")
                        .contains("routeId=\"test-ok\"", "le=\"0.25\""));
        assertThat(scrape).filteredOn(line -> line.startsWith("camel_"))
                .allSatisfy(line -> assertThat(line).containsPattern("routeId=\"test-[a-z]+\""))
                .noneMatch(line -> line.startsWith("camel_exchanges_succeeded") || line.startsWith("camel_exchanges_external")
                        || line.startsWith("app_info"));
        assertThat(scrape).filteredOn(line -> line.startsWith("camel_route_policy_seconds_bucket{") && line.contains("test-ok"))
                .hasSize(CamelRouteMetrics.BUCKETS.length + 1);
    }
}
