package ai.pipeline.orchestration.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.shared.task.TaskFailure;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallbackUrlsTest {

    private static CallbackProperties properties(String secret, List<String> hosts) {
        return new CallbackProperties(secret, hosts, 8, Duration.ofSeconds(2), Duration.ofMinutes(10), Duration.ofSeconds(10),
                Duration.ofSeconds(1));
    }

    @Test
    void withoutASecretACallbackIsRefusedSayingSo() {
        assertThatThrownBy(() -> new CallbackUrls(properties("", List.of())).check("https://example.com/x"))
                .isInstanceOf(TaskFailure.class).hasMessageContaining("APP_CALLBACK_SECRET");
    }

    @Test
    void theAllowListTakesExactHostsAndSubdomainsOnly() {
        CallbackUrls urls = new CallbackUrls(properties("s", List.of("hooks.example.com", ".partner.org")));
        assertThat(urls.check("https://hooks.example.com/x").getHost()).isEqualTo("hooks.example.com");
        assertThat(urls.check("http://a.partner.org:8080/x").getHost()).isEqualTo("a.partner.org");
        for (String refused : List.of("https://example.com/x", "http://169.254.169.254/latest", "http://evilpartner.org/x")) {
            assertThatThrownBy(() -> urls.check(refused)).as(refused).isInstanceOf(TaskFailure.class)
                    .hasMessageContaining("not among the allowed callback hosts");
        }
    }

    @Test
    void theBackoffDoublesUpToItsBound() {
        CallbackProperties p = new CallbackProperties("s", List.of(), 8, Duration.ofSeconds(2), Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofSeconds(1));
        assertThat(List.of(p.backoff(1), p.backoff(2), p.backoff(3), p.backoff(4), p.backoff(10)))
                .containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(10),
                        Duration.ofSeconds(10));
    }
}
