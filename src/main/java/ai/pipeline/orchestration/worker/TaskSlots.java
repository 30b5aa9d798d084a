package ai.pipeline.orchestration.worker;

import ai.pipeline.orchestration.engine.EngineSettings;
import ai.pipeline.orchestration.engine.Messages.TaskMessage;
import ai.pipeline.orchestration.engine.Plan;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * How many tasks of each domain this worker runs at once ({@code app.engine.worker-concurrency}).
 * A domain has more Kafka consumers than slots ({@code app.engine.worker-consumers}): a partition is
 * read by one consumer only, so with one consumer per slot a task waits behind another on its
 * consumer while the other slot is free (a map of three pages on two consumers ran its third page
 * after the slower of the first two). With spare consumers every task is taken at once and waits
 * here for the first free slot; of the tasks waiting, the earliest dispatched goes first, a map's
 * members in their order (a slot free when a task arrives is its at once: which of a group's members
 * arriving together start first is a race).
 * Meters: {@code ai.worker.tasks.running} and {@code ai.worker.tasks.waiting} by domain
 * [ai_worker_tasks_running, ai_worker_tasks_waiting]: tasks waiting while a domain's slots are full
 * say its workers are the bottleneck.
 */
@Component
class TaskSlots {

    /** Earliest dispatched first; then a canvas's nodes in their order (member 2 before member 10); then arrival. */
    private static final Comparator<Waiter> FIRST_DISPATCHED = Comparator
            .comparing((Waiter w) -> w.dispatchedAt)
            .thenComparing((Waiter w) -> w.node, Plan.NODE_ORDER)
            .thenComparingLong(w -> w.arrival);

    private final ToIntFunction<String> slotsOfDomain;
    private final MeterRegistry registry;
    private final Map<String, Domain> domains = new ConcurrentHashMap<>();
    private final AtomicLong arrivals = new AtomicLong();

    @Autowired
    TaskSlots(EngineSettings settings, MeterRegistry registry) {
        this(settings::concurrency, registry);
    }

    /** {@code slotsOfDomain}: how many tasks of a domain may run at once; {@code registry} null: no meters. */
    TaskSlots(ToIntFunction<String> slotsOfDomain, MeterRegistry registry) {
        this.slotsOfDomain = slotsOfDomain;
        this.registry = registry;
    }

    /** The slots of a domain this worker runs tasks of, made before its first task so its meters show from the start. */
    void open(String domain) {
        domains.computeIfAbsent(domain, this::newDomain);
    }

    /** Waits for a free slot of {@code domain} for this task; close the slot when the task has run. */
    Slot take(String domain, TaskMessage message) throws InterruptedException {
        Domain slots = domains.computeIfAbsent(domain, this::newDomain);
        Instant dispatchedAt = message.dispatchedAt() == null ? Instant.MIN : message.dispatchedAt();
        slots.take(new Waiter(dispatchedAt, message.node() == null ? "" : message.node(), arrivals.incrementAndGet()));
        return slots::give;
    }

    private Domain newDomain(String domain) {
        Domain slots = new Domain(slotsOfDomain.applyAsInt(domain));
        if (registry != null) {
            Gauge.builder("ai.worker.tasks.running", slots, Domain::running).tag("domain", domain)
                    .description("tasks of the domain this worker runs now").register(registry);
            Gauge.builder("ai.worker.tasks.waiting", slots, Domain::waiting).tag("domain", domain)
                    .description("tasks of the domain this worker took that wait for a free slot").register(registry);
        }
        return slots;
    }

    /** A taken slot: closing it lets the next waiting task run. */
    @FunctionalInterface
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    /** Tasks waiting for a slot of one domain, and the slots free. */
    private static final class Domain {
        private final int slots;
        private int free;
        private final PriorityQueue<Waiter> waiting = new PriorityQueue<>(FIRST_DISPATCHED);

        Domain(int slots) {
            this.slots = Math.max(1, slots);
            this.free = this.slots;
        }

        synchronized double running() {
            return slots - free;
        }

        synchronized double waiting() {
            return waiting.size();
        }

        synchronized void take(Waiter waiter) throws InterruptedException {
            if (free > 0) {   // tasks wait only while no slot is free: give() hands a freed slot to the next
                free--;
                return;
            }
            waiting.add(waiter);
            try {
                while (!waiter.granted) {
                    wait();
                }
            } catch (InterruptedException e) {
                if (waiter.granted) {
                    give();   // handed a slot while being interrupted: pass it on
                } else {
                    waiting.remove(waiter);
                }
                throw e;
            }
        }

        synchronized void give() {
            Waiter next = waiting.poll();
            if (next == null) {
                free++;
                return;
            }
            next.granted = true;
            notifyAll();
        }
    }

    private static final class Waiter {
        final Instant dispatchedAt;
        final String node;
        final long arrival;
        boolean granted;

        Waiter(Instant dispatchedAt, String node, long arrival) {
            this.dispatchedAt = dispatchedAt;
            this.node = node;
            this.arrival = arrival;
        }
    }
}
