package ai.pipeline.orchestration.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.orchestration.engine.Messages.FanOutPlace;
import ai.pipeline.orchestration.engine.Messages.TaskMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
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

    /** A map's member at {@code 1.<ahead>}, one of {@code of} sent together. */
    private static TaskMessage member(int ahead, int of) {
        return task("1." + ahead, AT).at(new FanOutPlace("1", ahead, of));
    }

    @Test
    void aDomainRunsAsManyTasksAtOnceAsItHasSlotsAndOtherDomainsAreNotHeldUp() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TaskSlots slots = new TaskSlots(domain -> domain.equals("ocr") ? 2 : 1, Duration.ZERO, meters);
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
        TaskSlots slots = new TaskSlots(domain -> 1, Duration.ZERO, null);
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
        TaskSlots slots = new TaskSlots(domain -> 1, Duration.ZERO, null);
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

    @Test
    void aFanOutsTasksStartInTheirOrderWhicheverArrivesFirst() throws Exception {
        TaskSlots slots = new TaskSlots(domain -> 2, Duration.ofSeconds(30), null);
        List<String> started = new CopyOnWriteArrayList<>();
        List<TaskSlots.Slot> running = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int ahead : new int[] {2, 1}) {   // the third page reaches the worker first, then the second
            threads.add(start(() -> {
                try {
                    TaskSlots.Slot slot = slots.take("ocr", member(ahead, 3));
                    started.add("1." + ahead);
                    running.add(slot);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            awaitWaiting(threads.get(threads.size() - 1));
        }
        assertThat(started).as("both slots are free, but the first page has not arrived").isEmpty();

        running.add(slots.take("ocr", member(0, 3)));   // the first page: a slot at once
        started.add(0, "1.0");
        threads.get(1).join(5000);
        assertThat(started).containsExactly("1.0", "1.1");
        awaitWaiting(threads.get(0));   // the third waits for a slot now
        running.get(0).close();
        threads.get(0).join(5000);
        assertThat(started).containsExactly("1.0", "1.1", "1.2");
    }

    @Test
    void aTaskWaitsForItsFanOutsEarlierTasksOnlySoLongAndNotWhenTheyAllFitTheSlots() throws Exception {
        TaskSlots slots = new TaskSlots(domain -> 2, Duration.ofMillis(200), null);
        long begin = System.nanoTime();
        slots.take("ocr", member(1, 3)).close();   // the first went to another worker: it never comes
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin)).isGreaterThanOrEqualTo(200);

        TaskSlots fitting = new TaskSlots(domain -> 2, Duration.ofSeconds(30), null);
        Thread second = start(() -> {
            try {
                fitting.take("ocr", member(1, 2)).close();   // two members, two slots: the order does not matter
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        second.join(5000);
        assertThat(second.isAlive()).isFalse();
    }

    private static Thread start(Runnable body) {
        Thread thread = new Thread(body);
        thread.start();
        return thread;
    }

    private static void awaitWaiting(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!waiting(thread) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(waiting(thread)).as(thread.getState().toString()).isTrue();
    }

    private static boolean waiting(Thread thread) {
        return thread.getState() == Thread.State.WAITING || thread.getState() == Thread.State.TIMED_WAITING;
    }
}
