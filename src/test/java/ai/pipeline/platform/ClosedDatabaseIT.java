package ai.pipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import java.sql.Connection;
import java.time.Duration;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * H2 closes an embedded database when its store fails (an {@code OutOfMemoryError} while writing a
 * commit did, under hostile input). Here its store is closed as such a failure closes it, under a
 * running application: the pool drops the connections to the closed database, the next ones open it
 * again from its files, a run that was under way ends as it would have, and new runs are accepted.
 */
@AppTest
class ClosedDatabaseIT {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Test
    void theApplicationOpensTheDatabaseAgainAfterH2ClosedIt() throws Exception {
        ApiClient api = new ApiClient(port);
        Pipelines pipelines = new Pipelines(api);
        String underWay = pipelines.run("{\"chain\": [{\"task\": \"core.sleep\", \"args\": {\"ms\": 1500}}, {\"task\": \"core.echo\"}]}", "{}");
        await().atMost(Duration.ofSeconds(30)).until(() -> pipelines.task(underWay, "0").path("state").asString().equals("STARTED"));

        try (Connection connection = dataSource.getConnection()) {
            SessionLocal session = (SessionLocal) connection.unwrap(JdbcConnection.class).getSession();
            session.getDatabase().getStore().getMvStore().closeImmediately();
        }

        // every pooled connection now belongs to the closed database; a start is refused (503) until they are replaced
        String canvas = "{\"canvas\": {\"task\": \"core.echo\"}, \"input\": {\"after\": \"the close\"}}";
        ApiClient.Response accepted = await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> api.postJson("/api/v1/workflows", canvas), response -> response.status() == 202);
        String after = accepted.json().path("data").path("chain_id").asString();

        assertThat(pipelines.awaitEnd(after).path("status").asString()).isEqualTo("SUCCESS");
        assertThat(pipelines.awaitEnd(underWay).path("status").asString()).isEqualTo("SUCCESS");
        await().atMost(Duration.ofSeconds(15)).until(() ->
                api.get("/actuator/health").json().path("components").path("db").path("status").asString().equals("UP"));
    }
}
