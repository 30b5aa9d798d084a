package ai.pipeline.orchestration.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.orchestration.live.LiveEvents;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /api/v1/events/stream} against the running application: a run's state changes arrive
 * as server-sent events while it runs, trimmed of results, and a client that hung up is dropped.
 */
@AppTest
class EventStreamIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @LocalServerPort
    int port;

    @Autowired
    LiveEvents live;

    @Autowired
    JsonMapper json;

    /** One server-sent event as read off the wire. */
    record Event(String name, JsonNode data) {
    }

    /** A stream read on its own thread into a queue. */
    static final class Stream implements AutoCloseable {
        final HttpResponse<InputStream> response;
        final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

        Stream(int port, JsonMapper json) throws Exception {
            response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + port + "/api/v1/events/stream"))
                    .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    String name = null;
                    StringBuilder data = new StringBuilder();
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        if (line.isEmpty()) {
                            if (name != null && !data.isEmpty()) {
                                events.add(new Event(name, json.readTree(data.toString())));
                            }
                            name = null;
                            data.setLength(0);
                        } else if (line.startsWith("event:")) {
                            name = line.substring(6).trim();
                        } else if (line.startsWith("data:")) {
                            data.append(line.substring(5));
                        }
                    }
                } catch (Exception closed) {
                    // the test closed the stream
                }
            }, "event-stream-reader");
            reader.setDaemon(true);   // blocked in a read until the stream ends: never waited for
            reader.start();
        }

        Event next() throws InterruptedException {
            Event event = events.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertThat(event).as("an event within %s", PATIENCE).isNotNull();
            return event;
        }

        @Override
        public void close() throws Exception {
            response.body().close();
        }
    }

    @Test
    void pushesARunsStateChangesWithoutResultsAndDropsAClientThatHungUp() throws Exception {
        Pipelines pipelines = new Pipelines(new ApiClient(port));
        Stream stream = new Stream(port, json);
        assertThat(stream.response.statusCode()).isEqualTo(200);
        assertThat(stream.response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        assertThat(stream.next().name()).isEqualTo("ready");
        assertThat(live.clientCount()).isPositive();
        assertThat(live.feeding()).as("the events are read while a stream is open").isTrue();

        // ready comes once the feed's consumer holds its partitions: the run started right after it is seen whole
        String chainId = pipelines.run("""
                {"chain": [{"task": "core.echo"}, {"task": "core.sleep", "args": {"ms": 400}}]}""", "{\"big\": \"input\"}");
        List<Event> ofRun = new ArrayList<>();
        while (ofRun.stream().noneMatch(e -> e.name().equals("pipeline") && e.data().path("status").asString().equals("SUCCESS"))) {
            Event event = stream.next();
            if (chainId.equals(event.data().path("chain_id").asString())) {
                ofRun.add(event);
            }
        }
        assertThat(ofRun.stream().filter(e -> e.name().equals("pipeline")).map(e -> e.data().path("status").asString()))
                .containsSubsequence("RUNNING", "SUCCESS");
        assertThat(ofRun.stream().filter(e -> e.name().equals("task"))
                .map(e -> e.data().path("node").asString() + " " + e.data().path("task").asString() + " "
                        + e.data().path("state").asString("") + e.data().path("status").asString()))
                .contains("0 core.echo SUCCESS", "1 core.sleep STARTED", "1 core.sleep SUCCESS");
        assertThat(ofRun).allSatisfy(e -> {
            assertThat(e.data().has("result")).as("results stay out of the live feed").isFalse();
            assertThat(e.data().path("pipeline").asString()).isEqualTo("workflow");
        });

        stream.close();
        // the server notices at its next write to the closed connection: make some (other test classes'
        // pages that went away are noticed the same way)
        await().atMost(PATIENCE).until(() -> {
            pipelines.run("{\"task\": \"core.echo\"}", "{}");
            return live.clientCount() == 0;
        });
        // nobody listens: the consumer stops after app.dashboard.live-linger (1 s in the tests)
        await().atMost(PATIENCE).until(() -> !live.feeding());
    }

    @Test
    void aStreamOpenedWhileNobodyListensIsReadyOnlyOnceItsEventsAreRead() throws Exception {
        Pipelines pipelines = new Pipelines(new ApiClient(port));
        // from a stopped feed: other streams went away (noticed at a write: make some) and the linger passed
        await().atMost(PATIENCE).until(() -> {
            pipelines.run("{\"task\": \"core.echo\"}", "{}");
            return live.clientCount() == 0 && !live.feeding();
        });
        try (Stream stream = new Stream(port, json)) {
            assertThat(stream.next().name()).isEqualTo("ready");
            String chainId = pipelines.run("{\"task\": \"core.echo\"}", "{}");
            Event event;
            do {
                event = stream.next();
            } while (!(chainId.equals(event.data().path("chain_id").asString()) && event.name().equals("pipeline")
                    && event.data().path("status").asString().equals("SUCCESS")));
        }
    }
}
