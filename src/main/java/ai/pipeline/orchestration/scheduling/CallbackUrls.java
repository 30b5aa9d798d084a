package ai.pipeline.orchestration.scheduling;

import ai.pipeline.shared.task.TaskFailure;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Checks a start request's {@code callback_url}: there must be a secret to sign with, the URL must be
 * absolute http(s) with a host, and that host must be on {@code app.callbacks.allowed-hosts} when
 * the list is set. Anything else is a 400 naming the field.
 */
@Component
@EnableConfigurationProperties(CallbackProperties.class)
public class CallbackUrls {

    static final int MAX_LENGTH = 2000;

    private final CallbackProperties properties;

    CallbackUrls(CallbackProperties properties) {
        this.properties = properties;
    }

    public URI check(String url) {
        if (properties.secret().isBlank()) {
            throw TaskFailure.invalidInput("callback_url is not available: this service has no callback secret to sign "
                    + "callbacks with (set APP_CALLBACK_SECRET)");
        }
        if (url.length() > MAX_LENGTH) {
            throw TaskFailure.invalidInput("callback_url must be at most " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw TaskFailure.invalidInput("callback_url is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw TaskFailure.invalidInput("callback_url must be an http or https URL");
        }
        if (uri.getHost() == null || uri.getUserInfo() != null) {
            throw TaskFailure.invalidInput("callback_url must name a host (and no user name or password)");
        }
        if (!allowed(uri.getHost().toLowerCase(Locale.ROOT))) {
            throw TaskFailure.invalidInput("callback_url: host " + uri.getHost()
                    + " is not among the allowed callback hosts (app.callbacks.allowed-hosts)");
        }
        return uri;
    }

    private boolean allowed(String host) {
        return properties.allowedHosts().isEmpty() || properties.allowedHosts().stream()
                .anyMatch(allowed -> allowed.startsWith(".") ? host.endsWith(allowed) : host.equals(allowed));
    }
}
