package ai.pipeline.orchestration.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.orchestration.engine.Messages.TaskMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TaskSlotsTest {

    private static final Instant AT = Instant.parse("2026-12-06T12:00:00Z");

    private static TaskMessage task(String node, Instant dispatchedAt) {
        return new TaskMessage("chain", "task-" + node, node, "ocr.extract_page", 1, Map.of(), null, dispatchedAt);
    }

    @Test
    void aDomainRunsAsManyTasksAtOnceAsItHasSlotsAndOtherDomainsAreNotHeldUp() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TaskSlots slots = new TaskSlots(domain -> domain.equals("ocr") ? 2 : 1, meters);
        TaskSlots.Slot first = slots.take("ocr", task("1.0", AT));
        TaskSlots.Slot second = slots.take("ocr", task("1.1", AT));
        TaskSlots.Slot llm = slots.take("llm", task("2", AT));   // its own slots

        CountDownLatch third = new CountDownLatch(1);
        Thread waiting = start(() -> {
            try (TaskSlots.Slot slot = slots.take("ocr", task("1.2", AT))) {
                third.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(third.await(200, TimeUnit.MILLISECONDS)).as("a third ocr task while two run").isFalse();
        assertThat(meters.get("ai.worker.tasks.running").tag("domain", "ocr").gauge().value()).isEqualTo(2);
        assertThat(meters.get("ai.worker.tasks.waiting").tag("domain", "ocr").gauge().value()).isEqualTo(1);
        second.close();
        assertThat(third.await(5, TimeUnit.SECONDS)).as("the third once a slot is free").isTrue();
        waiting.join();
        assertThat(meters.get("ai.worker.tasks.running").tag("domain", "ocr").gauge().value()).isEqualTo(1);
        assertThat(meters.get("ai.worker.tasks.waiting").tag("domain", "ocr").gauge().value()).isZero();
        assertThat(meters.get("ai.worker.tasks.running").tag("domain", "llm").gauge().value()).isEqualTo(1);
        first.close();
        llm.close();
    }

    @Test
    void aFreedSlotGoesToTheEarliestDispatchedTaskThenToTheCanvasOrderNotToTheFirstToAsk() throws Exception {
        TaskSlots slots = new TaskSlots(domain -> 1, null);
        TaskSlots.Slot running = slots.take("ocr", task("0", AT));
        List<String> ran = new CopyOnWriteArrayList<>();
        // asked for in this order: a later dispatch, then members 10 and 2 of a map dispatched earlier
        List<TaskMessage> asking = List.of(task("3", AT.plusMillis(5)), task("1.10", AT), task("1.2", AT));
        List<Thread> threads = new ArrayList<>();
        for (TaskMessage message : asking) {
            threads.add(start(() -> {
                try (TaskSlots.Slot slot = slots.take("ocr", message)) {
                    ran.add(message.node());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            awaitWaiting(threads.get(threads.size() - 1));
        }
        running.close();
        for (Thread thread : threads) {
            thread.join(5000);
        }
        assertThat(ran).containsExactly("1.2", "1.10", "3");
    }

    @Test
    void aTaskInterruptedWhileWaitingGivesUpItsPlaceAndTheSlotStillGoesOn() throws Exception {
        TaskSlots slots = new TaskSlots(domain -> 1, null);
        TaskSlots.Slot running = slots.take("ocr", task("0", AT));
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Thread interrupted = start(() -> {
            try {
                slots.take("ocr", task("1", AT)).close();
            } catch (InterruptedException e) {
                failures.add(e);
            }
        });
        awaitWaiting(interrupted);
        interrupted.interrupt();
        interrupted.join(5000);
        assertThat(failures).hasSize(1);

        running.close();
        // the slot is free again: taken at once
        Thread next = start(() -> {
            try {
                slots.take("ocr", task("2", AT)).close();
            } catch (InterruptedException e) {
                failures.add(e);
            }
        });
        next.join(5000);
        assertThat(next.isAlive()).isFalse();
        assertThat(failures).hasSize(1);
    }

    private static Thread start(Runnable body) {
        Thread thread = new Thread(body);
        thread.start();
        return thread;
    }

    private static void awaitWaiting(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (thread.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(thread.getState()).isEqualTo(Thread.State.WAITING);
    }
}
