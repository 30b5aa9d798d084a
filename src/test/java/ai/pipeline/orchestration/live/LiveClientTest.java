package ai.pipeline.orchestration.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** A stream client's queue: sends in order, never grows past its capacity, and leaves when its client is gone. */
class LiveClientTest {

    /** An emitter that records what would be written (or fails like a closed connection). */
    private static final class RecordingEmitter extends SseEmitter {
        final List<String> sent = new ArrayList<>();
        boolean broken;

        @Override
        public void send(SseEventBuilder event) throws IOException {
            if (broken) {
                throw new IOException("Broken pipe");
            }
            sent.add(event.build().stream().map(d -> String.valueOf(d.getData())).collect(Collectors.joining()));
        }
    }

    /** Runs the drains when told to, so a test decides when the sender catches up. */
    private final List<Runnable> pendingDrains = new ArrayList<>();
    private final AtomicInteger closes = new AtomicInteger();

    private void runDrains() {
        while (!pendingDrains.isEmpty()) {
            pendingDrains.remove(0).run();
        }
    }

    @Test
    void sendsQueuedEventsInOrder() {
        RecordingEmitter emitter = new RecordingEmitter();
        LiveClient client = new LiveClient(emitter, 8, pendingDrains::add, closes::incrementAndGet);
        client.offer(SseEmitter.event().name("pipeline").data("one"));
        client.offer(SseEmitter.event().name("task").data("two"));
        assertThat(pendingDrains).as("one drain for both events").hasSize(1);
        runDrains();
        assertThat(emitter.sent).containsExactly("event:pipeline\ndata:one\n\n", "event:task\ndata:two\n\n");
        assertThat(client.isClosed()).isFalse();
    }

    @Test
    void aClientThatFellBehindGetsOneResyncInsteadOfWhatItMissed() {
        RecordingEmitter emitter = new RecordingEmitter();
        LiveClient client = new LiveClient(emitter, 4, pendingDrains::add, closes::incrementAndGet);
        for (int i = 0; i < 10; i++) {
            client.offer(SseEmitter.event().name("task").data("event " + i));
        }
        runDrains();
        assertThat(emitter.sent).hasSize(1);
        assertThat(emitter.sent.get(0)).startsWith("event:resync\n");
        client.offer(SseEmitter.event().name("task").data("after"));
        runDrains();
        assertThat(emitter.sent).hasSize(2).last().isEqualTo("event:task\ndata:after\n\n");
    }

    @Test
    void aClientThatWentAwayIsClosedOnceAndGetsNothingMore() {
        RecordingEmitter emitter = new RecordingEmitter();
        LiveClient client = new LiveClient(emitter, 4, pendingDrains::add, closes::incrementAndGet);
        emitter.broken = true;
        client.offer(SseEmitter.event().comment("keep-alive"));
        runDrains();
        assertThat(client.isClosed()).isTrue();
        assertThat(closes).hasValue(1);
        client.offer(SseEmitter.event().name("task").data("late"));
        client.close();
        assertThat(pendingDrains).as("no drain for a closed client").isEmpty();
        assertThat(closes).hasValue(1);
    }
}
