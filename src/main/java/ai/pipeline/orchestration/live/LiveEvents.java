package ai.pipeline.orchestration.live;

import ai.pipeline.shared.task.TaskFailure;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The live clients of this process and what they are sent: every pipeline event, trimmed (no
 * results, errors cut short), as the SSE event named after its kind ({@code pipeline} or
 * {@code task}); {@code ready} once the stream is fed ({@link LiveFeed} runs the consumer while
 * clients listen), {@code resync} when a client missed events, and a comment every
 * {@link #HEARTBEAT} so a client that went away is noticed and dropped. On a clean stop the streams
 * end first: the web server's graceful shutdown waits for open requests, a stream among them, up to
 * its timeout (30 s), and the pages reconnect anyway.
 */
@Component
public class LiveEvents implements SmartLifecycle, DisposableBean {

    static final int MAX_CLIENTS = 64;
    static final int QUEUE_CAPACITY = 512;
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    /** Streams end after this; the page reconnects, which also renews the API-key check. */
    static final Duration STREAM_TIMEOUT = Duration.ofMinutes(30);
    private static final int MAX_ERROR_CHARS = 300;
    private static final List<String> FIELDS = List.of("chain_id", "pipeline", "request_id", "kind", "status", "node",
            "task_id", "task", "attempt", "error", "at");

    private final JsonMapper json;
    private final LiveFeed feed;
    private final Set<LiveClient> clients = ConcurrentHashMap.newKeySet();
    private volatile boolean running;
    private final ExecutorService sender = Executors.newFixedThreadPool(2, named("live-sender"));
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(named("live-heartbeat"));

    LiveEvents(JsonMapper json, LiveFeed feed) {
        this.json = json;
        this.feed = feed;
        heartbeat.scheduleWithFixedDelay(this::beat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A new stream; refused (503) when {@link #MAX_CLIENTS} are connected already. */
    public SseEmitter subscribe() {
        if (clients.size() >= MAX_CLIENTS) {
            throw TaskFailure.unavailable("too many live clients (" + MAX_CLIENTS + "); try again later");
        }
        SseEmitter emitter = new SseEmitter(STREAM_TIMEOUT.toMillis());
        LiveClient[] self = new LiveClient[1];
        LiveClient client = new LiveClient(emitter, QUEUE_CAPACITY, sender, () -> left(self[0]));
        self[0] = client;
        emitter.onCompletion(client::close);
        emitter.onTimeout(client::close);
        emitter.onError(error -> client.close());
        clients.add(client);
        feed.open(() -> client.offer(SseEmitter.event().name("ready").reconnectTime(2000)
                .data("{\"clients\": " + clients.size() + "}")));
        return emitter;
    }

    private void left(LiveClient client) {
        if (clients.remove(client) && clients.isEmpty()) {
            feed.idle(clients::isEmpty);
        }
    }

    /** Whether this process reads the events now (while streams are open, and a linger after). */
    public boolean feeding() {
        return feed.running();
    }

    /** How many streams are open (for tests and the stream's own {@code ready} event). */
    public int clientCount() {
        return clients.size();
    }

    /** One record of {@code ai.pipeline.events}, sent on to every client. */
    void onEvent(String body) {
        if (clients.isEmpty()) {
            return;   // nobody watching: not even parsed
        }
        JsonNode event = json.readTree(body);
        ObjectNode trimmed = json.createObjectNode();
        for (String field : FIELDS) {
            JsonNode value = event.get(field);
            if (value != null && !value.isNull()) {
                trimmed.set(field, value);
            }
        }
        String error = trimmed.path("error").asString("");
        if (error.length() > MAX_ERROR_CHARS) {
            trimmed.put("error", error.substring(0, MAX_ERROR_CHARS) + "…");
        }
        String kind = "task".equals(trimmed.path("kind").asString("")) ? "task" : "pipeline";
        String data = json.writeValueAsString(trimmed);
        clients.forEach(client -> client.offer(SseEmitter.event().name(kind).data(data)));
    }

    private void beat() {
        clients.forEach(client -> client.offer(SseEmitter.event().comment("keep-alive")));
    }

    /** Ends every open stream (their pages show "disconnected" and reconnect): on shutdown, and in tests. */
    public void disconnectAll() {
        List.copyOf(clients).forEach(LiveClient::close);
    }

    @Override
    public void start() {
        running = true;
    }

    /** Stops before the web server's graceful shutdown (this bean's phase is the highest): its streams end at once. */
    @Override
    public void stop() {
        running = false;
        disconnectAll();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void destroy() {
        heartbeat.shutdownNow();
        disconnectAll();
        sender.shutdownNow();
    }

    /** Daemon threads named {@code <prefix>-1}, {@code <prefix>-2}, … */
    static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
