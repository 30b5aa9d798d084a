package ai.pipeline.orchestration.live;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One stream client: a bounded queue of events and at most one drain at a time on the shared
 * sender pool, so a slow client delays only itself and the Kafka consumer never waits for it.
 */
final class LiveClient {

    private final SseEmitter emitter;
    private final BlockingQueue<SseEmitter.SseEventBuilder> queue;
    private final Executor sender;
    private final Runnable onClose;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean overflowed = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    LiveClient(SseEmitter emitter, int capacity, Executor sender, Runnable onClose) {
        this.emitter = emitter;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.sender = sender;
        this.onClose = onClose;
    }

    SseEmitter emitter() {
        return emitter;
    }

    /** Queues an event; when the queue is full the client gets one {@code resync} instead of what it missed. */
    void offer(SseEmitter.SseEventBuilder event) {
        if (!queue.offer(event)) {
            overflowed.set(true);
        }
        schedule();
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Ends the stream (the client reconnects) and leaves the hub. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            queue.clear();
            onClose.run();
            try {
                emitter.complete();
            } catch (IllegalStateException alreadyDone) {
                // completed by the container already
            }
        }
    }

    private void schedule() {
        if (!closed.get() && draining.compareAndSet(false, true)) {
            sender.execute(this::drain);
        }
    }

    private void drain() {
        try {
            while (!closed.get()) {
                if (overflowed.getAndSet(false)) {
                    queue.clear();
                    emitter.send(SseEmitter.event().name("resync").data("{\"reason\": \"events were dropped\"}"));
                }
                SseEmitter.SseEventBuilder next = queue.poll();
                if (next == null) {
                    break;
                }
                emitter.send(next);
            }
        } catch (IOException | IllegalStateException gone) {
            close();   // the client went away, or its response is already complete
        } finally {
            draining.set(false);
        }
        if (!queue.isEmpty() || overflowed.get()) {
            schedule();   // offered between the last poll and the flag's reset
        }
    }
}
