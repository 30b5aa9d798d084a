package ai.pipeline.shared.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.apache.catalina.core.StandardHost;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The error envelope at the layers below the API's own handlers: Tomcat's error report (a request it
 * refuses before any servlet runs) and Spring Boot's error page ({@code /error}, where the container
 * forwards an error no handler answered). Neither shows an HTML page or an exception's text.
 */
@Configuration(proxyBeanMethods = false)
class HttpErrorConfiguration {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> jsonErrorReports() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
            }
        });
    }

    /** Replaces Spring Boot's whitelabel page and its {timestamp, status, error, path} body. */
    @Controller
    static class ErrorPage implements ErrorController {

        @RequestMapping("${server.error.path:/error}")
        void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
            Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
            int status = code instanceof Integer value ? value : response.getStatus() >= 400 ? response.getStatus() : 500;
            HttpErrors.write(response, HttpErrors.forStatus(status, false));
        }
    }
}
