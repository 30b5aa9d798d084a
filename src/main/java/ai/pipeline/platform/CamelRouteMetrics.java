package ai.pipeline.platform;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyConfiguration;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Per-route metrics of every Camel route, in the application's Micrometer registry (so at
 * {@code /actuator/prometheus}), from camel-micrometer's route policy. Prometheus names:
 * <ul>
 * <li>{@code camel_exchanges_total}, {@code camel_exchanges_failed_total} and
 *     {@code camel_exchanges_failures_handled_total} (a failure an error handler handled, so the
 *     exchange did not fail), by routeId;</li>
 * <li>{@code camel_route_policy_seconds} (a histogram: {@code _bucket}, {@code _count}, {@code _sum},
 *     {@code _max}), the time from an exchange's start in the route to its end, by routeId.</li>
 * </ul>
 * Each also carries camel-micrometer's constant tags ({@code camelContext}, {@code kind},
 * {@code eventType}). Route ids are a fixed set named in code ({@code RouteConventionsIT}), never
 * built from input, so the number of series is bounded; the timer's buckets are a fixed list, not
 * Micrometer's percentile histogram (about 70 buckets a route). No context-wide totals (they would
 * be the same names with an empty routeId, and a sum by routeId would count twice), no
 * per-endpoint meters (an endpoint URI can carry dynamic parts), no {@code app_info}.
 */
@Configuration(proxyBeanMethods = false)
class CamelRouteMetrics {

    /** Upper bounds of the processing-time buckets: a millisecond (the engine's routes) to 5 minutes (an OCR or LLM task). */
    static final Duration[] BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofMinutes(1), Duration.ofMinutes(5)};

    /** Camel Spring Boot adds every {@code RoutePolicyFactory} bean to the CamelContext before routes are created. */
    @Bean
    MicrometerRoutePolicyFactory camelRoutePolicyMetrics(MeterRegistry registry) {
        MicrometerRoutePolicyConfiguration metrics = new MicrometerRoutePolicyConfiguration();
        metrics.setContextEnabled(false);
        metrics.setExchangesSucceeded(false);        // total minus failed
        metrics.setExternalRedeliveries(false);      // a JMS broker's redeliveries; Kafka has none
        metrics.setTimerInitiator(timer -> timer.serviceLevelObjectives(BUCKETS));
        MicrometerRoutePolicyFactory factory = new MicrometerRoutePolicyFactory();
        factory.setMeterRegistry(registry);
        factory.setPolicyConfiguration(metrics);
        factory.setSkipCamelInfo(true);
        return factory;
    }

    /**
     * Binds Spring's registry under the name camel-micrometer looks up ({@code metricsRegistry}), so
     * anything of camel-micrometer that finds its registry itself (a {@code micrometer:} endpoint,
     * its services) uses this one rather than creating a private registry nobody scrapes.
     */
    @Bean
    CamelContextConfiguration camelMetricsRegistry(MeterRegistry registry) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                camel.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class, registry);
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
            }
        };
    }
}
