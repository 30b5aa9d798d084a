package ai.pipeline.orchestration.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.LockedRunRow;
import ai.pipeline.testsupport.Pipelines;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * When the engine is idle, the events of what a worker's report caused go to Kafka before the group
 * commit that stores it (docs/engine.md): a run's end event is not held up by its commit. The test
 * holds that commit back with a row lock on the run's record and sees the end event arrive while the
 * record still says RUNNING; once the lock is gone, the record follows. A fresh application: events
 * go first only while the engine holds few runs, and other test classes may leave runs unfinished.
 */
@AppTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.BEFORE_CLASS)
class EventsFirstIT {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    ConsumerTemplate consumer;

    @Autowired
    JsonMapper json;

    @Test
    void anIdleRunsEndEventGoesOutBeforeItsRecordIsStored() throws Exception {
        Pipelines pipelines = new Pipelines(new ApiClient(port));
        String chainId = pipelines.run("{\"task\": \"core.sleep\", \"args\": {\"ms\": 1500}}", "{}");
        await().atMost(Duration.ofSeconds(30)).until(() -> storedStatus(chainId).equals("RUNNING"));

        try (LockedRunRow row = LockedRunRow.lock(dataSource, chainId)) {
            // the task ends while the run's row is locked: its commit waits, its SUCCESS event does not
            String announced = endAnnounced(chainId);
            assertThat(announced).isEqualTo("SUCCESS");
            assertThat(storedStatus(chainId)).as("the stored status when the end event arrived").isEqualTo("RUNNING");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> storedStatus(chainId).equals("SUCCESS"));
        assertThat(pipelines.pipeline(chainId).path("status").asString()).isEqualTo("SUCCESS");
    }

    /** The status of the run's first end event on {@code ai.pipeline.events}. */
    private String endAnnounced(String chainId) {
        String events = "kafka:" + Topics.EVENTS + "?groupId=events-first-it&autoOffsetReset=earliest";
        while (true) {
            Exchange record = consumer.receive(events, 20_000);
            assertThat(record).as("the end event of " + chainId).isNotNull();
            JsonNode event = json.readTree(record.getIn().getBody(String.class));
            String status = event.path("status").asString();
            if (event.path("chain_id").asString().equals(chainId) && event.path("kind").asString().equals("pipeline")
                    && (status.equals("SUCCESS") || status.equals("FAILURE"))) {
                return status;
            }
        }
    }

    /** The run's status as committed (H2 reads committed rows without waiting for the lock). */
    private String storedStatus(String chainId) throws Exception {
        try (Connection read = dataSource.getConnection();
             PreparedStatement select = read.prepareStatement("SELECT status FROM pipeline_execution WHERE chain_id = ?")) {
            select.setString(1, chainId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        }
    }
}
