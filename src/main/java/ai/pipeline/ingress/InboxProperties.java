package ai.pipeline.ingress;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code app.inbox.*}: the drop folder {@code <app.data-dir>/inbox/<pipeline>/}.
 *
 * @param enabled      watch the inbox (one instance per data directory should)
 * @param pollInterval how often the inbox is looked at
 * @param minAge       a file is picked up only once it is at least this old and its size and time
 *                     stopped changing: a file still being written is left alone
 */
@ConfigurationProperties("app.inbox")
record InboxProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("500ms") Duration pollInterval,
        @DefaultValue("1s") Duration minAge) {
}
