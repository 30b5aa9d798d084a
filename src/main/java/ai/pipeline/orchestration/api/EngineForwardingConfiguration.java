package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.engine.EngineSettings;
import ai.pipeline.orchestration.engine.OrchestratorLease;
import ai.pipeline.platform.HostName;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Forwarding of the calls that need the engine to the orchestrator lease's holder
 * ({@link EngineCallForwarding}), after the API-key check: a call without a valid key goes nowhere.
 */
@Configuration(proxyBeanMethods = false)
class EngineForwardingConfiguration {

    @Bean
    FilterRegistrationBean<EngineCallForwarding> engineCallForwarding(OrchestratorLease lease, EngineSettings settings) {
        FilterRegistrationBean<EngineCallForwarding> registration = new FilterRegistrationBean<>(new EngineCallForwarding(
                lease::holding, lease::holderUrl, HostName.get(), settings.forwardTimeout()));
        registration.addUrlPatterns("/api/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }
}
