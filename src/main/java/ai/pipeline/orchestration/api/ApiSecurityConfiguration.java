package ai.pipeline.orchestration.api;

import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Turns the API-key check on when {@code app.security.api-keys} (env {@code APP_SECURITY_API_KEYS}) lists any key. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${app.security.api-keys:}'.trim() != ''")
class ApiSecurityConfiguration {

    @Bean
    FilterRegistrationBean<ApiKeyFilter> apiKeyFilter(@Value("${app.security.api-keys}") String keys) {
        List<String> parsed = ApiKeyFilter.parse(keys);
        FilterRegistrationBean<ApiKeyFilter> registration = new FilterRegistrationBean<>(new ApiKeyFilter(parsed));
        registration.addUrlPatterns("/api/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }
}
