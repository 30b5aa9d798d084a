package ai.pipeline.orchestration.scheduling;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code app.callbacks.*}: completion callbacks ({@code callback_url} on a start request).
 *
 * @param secret         the HMAC-SHA256 key every callback is signed with (env {@code APP_CALLBACK_SECRET});
 *                       empty: {@code callback_url} is refused
 * @param allowedHosts   host names a callback may go to (exact, or {@code .example.com} for its subdomains);
 *                       empty: any host. The guard against a caller making this service POST to internal addresses
 * @param maxAttempts    deliveries tried before the callback is given up as FAILED
 * @param firstBackoff   the wait after the first failed attempt, doubled after each further one
 * @param maxBackoff     the longest wait between attempts
 * @param timeout        how long one attempt may take (connect and answer)
 * @param checkInterval  how often the lease holder looks for ended runs with a callback due
 */
@ConfigurationProperties("app.callbacks")
public record CallbackProperties(
        String secret,
        List<String> allowedHosts,
        @DefaultValue("8") int maxAttempts,
        @DefaultValue("2s") Duration firstBackoff,
        @DefaultValue("10m") Duration maxBackoff,
        @DefaultValue("10s") Duration timeout,
        @DefaultValue("1s") Duration checkInterval) {

    public CallbackProperties {
        secret = secret == null ? "" : secret;
        allowedHosts = allowedHosts == null ? List.of()
                : allowedHosts.stream().map(String::trim).filter(h -> !h.isEmpty()).map(String::toLowerCase).toList();
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("app.callbacks.max-attempts must be at least 1");
        }
    }

    /** The wait before attempt {@code attempt + 1}, after {@code attempt} failed ones. */
    Duration backoff(int attempt) {
        Duration wait = firstBackoff;
        for (int i = 1; i < attempt && wait.compareTo(maxBackoff) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
}
