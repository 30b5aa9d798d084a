package ai.pipeline.reliability;

import org.awaitility.Awaitility;

import ai.pipeline.testsupport.ApiClient;
import java.time.Duration;
import java.time.Instant;

/** Waits until no pipeline is PENDING or RUNNING, printing how many are left as it goes. */
final class Drain {

    private Drain() {
    }

    /** @return the time from {@code begin} until the last pipeline ended */
    static Duration untilAllEnded(ApiClient api, Instant begin, Duration atMost) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofSeconds(2)).until(() -> {
            long open = LoadDriver.count(api, "PENDING") + LoadDriver.count(api, "RUNNING");
            System.out.printf("reliability: %d s: %d pipelines not finished%n", Duration.between(begin, Instant.now()).toSeconds(), open);
            return open == 0;
        });
        return Duration.between(begin, Instant.now());
    }
}
