package ai.pipeline.orchestration.dashboard;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Addresses of the dashboard: {@code /} and {@code /dashboard} redirect to {@code /dashboard/},
 * which serves the page's {@code index.html} (static resources are not looked up by folder).
 */
@Configuration(proxyBeanMethods = false)
class DashboardPages implements WebMvcConfigurer {

    static final String PATH = "/dashboard/";

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/", PATH);
        registry.addRedirectViewController("/dashboard", PATH);
        registry.addViewController(PATH).setViewName("forward:" + PATH + "index.html");
    }
}
