package ai.pipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.testsupport.AppProcess;
import ai.pipeline.testsupport.StandaloneKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, point 2: the application runs as its own process against a Kafka broker in another
 * process; under load the broker is stopped for 30 s and started again on the same port and log
 * directory. Every start request is either accepted (202) and its pipeline completes, or refused
 * with 503; none is accepted and then lost, and readiness says DOWN while the broker is away.
 */
@Tag("reliability")
class BrokerOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void requestsDuringABrokerOutageCompleteOrAreRefusedNoneIsLost() {
        try (StandaloneKafka kafka = StandaloneKafka.start(dir.resolve("kafka"));
             AppProcess app = new AppProcess(dir.resolve("app"),
                     Map.of("APP_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers())).start()) {
            OutageDrill.Result result = OutageDrill.run("broker outage", app, kafka::stop, OUTAGE, kafka::restart,
                    Duration.ofMinutes(3));
            assertThat(result.accepted()).isPositive();
        } finally {
            ReliabilityLogs.keep(getClass().getSimpleName(), dir.resolve("app/app.log"), dir.resolve("kafka/broker.log"));
        }
    }
}
