package ai.pipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.Pipelines;
import java.sql.Connection;
import java.time.Duration;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * H2 closes an embedded database for good when its store fails (an {@code OutOfMemoryError} while
 * writing a commit did, under hostile input). Here its store is closed as such a failure closes it,
 * under a running application: the application stops being live and ready, and a start is refused
 * with 503, not 500. It would then stop with exit code 75 to be started again; here
 * ({@code app.database.restart-when-closed=false}) it stays up so that the test can look at it. An
 * application of its own, on a database of its own: the shared one's must not be closed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"app.data-dir=target/test-data/${random.uuid}", "app.database.restart-when-closed=false",
                "camel.main.shutdown-timeout=2"})   // its stop cannot store anything: no need to wait for routes
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ClosedDatabaseIT {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Test
    void afterH2ClosedTheDatabaseTheApplicationIsNeitherLiveNorReadyAndRefusesStarts() throws Exception {
        ApiClient api = new ApiClient(port);
        Pipelines pipelines = new Pipelines(api);
        pipelines.run("{\"chain\": [{\"task\": \"core.sleep\", \"args\": {\"ms\": 1000}}, {\"task\": \"core.echo\"}]}", "{}");
        assertThat(api.get("/livez").status()).isEqualTo(200);

        try (Connection connection = dataSource.getConnection()) {
            SessionLocal session = (SessionLocal) connection.unwrap(JdbcConnection.class).getSession();
            session.getDatabase().getStore().getMvStore().closeImmediately();
        }

        // the run under way meets the closed database when its next change is stored
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> api.get("/livez").status() == 503);
        assertThat(api.get("/readyz").status()).isEqualTo(503);
        ApiClient.Response refused = api.postJson("/api/v1/workflows", "{\"canvas\": {\"task\": \"core.echo\"}, \"input\": {}}");
        refused.assertError(503, "unavailable", "database");
    }
}
