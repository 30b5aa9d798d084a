package ai.pipeline.orchestration.worker;

import ai.pipeline.orchestration.engine.EngineSettings;
import ai.pipeline.orchestration.engine.Messages.FanOutPlace;
import ai.pipeline.orchestration.engine.Messages.TaskMessage;
import ai.pipeline.orchestration.engine.Plan;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
 * members in their order (member 2 before member 10).
 * <p>
 * A fan-out's tasks (a group's, chord header's or map's members) reach the consumers in any order,
 * though they were sent in theirs: page 3 of a map could take a free slot before page 1 arrived, and
 * page 1, often the longest, then ran last. So a task that knows earlier tasks of its fan-out and
 * domain ({@code FanOutPlace}) that have not arrived yet leaves a free slot to them for at most
 * {@code app.engine.fan-out-order-wait} (they may have gone to another worker process).
 * <p>
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
    /** A fan-out's arrivals are forgotten this long after its first (the rest went to other processes). */
    private static final long FORGET_FAN_OUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final ToIntFunction<String> slotsOfDomain;
    private final long orderWaitNanos;
    private final MeterRegistry registry;
    private final Map<String, Domain> domains = new ConcurrentHashMap<>();
    private final AtomicLong arrivals = new AtomicLong();

    @Autowired
    TaskSlots(EngineSettings settings, MeterRegistry registry) {
        this(settings::concurrency, settings.fanOutOrderWait(), registry);
    }

    /**
     * {@code slotsOfDomain}: how many tasks of a domain may run at once; {@code orderWait}: how long a
     * free slot is left to a fan-out's earlier tasks; {@code registry} null: no meters.
     */
    TaskSlots(ToIntFunction<String> slotsOfDomain, Duration orderWait, MeterRegistry registry) {
        this.slotsOfDomain = slotsOfDomain;
        this.orderWaitNanos = orderWait.toNanos();
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
        FanOutPlace place = message.fanOut();
        String fanOut = place == null ? null : message.chainId() + " " + place.node() + " " + dispatchedAt;
        slots.take(new Waiter(dispatchedAt, message.node() == null ? "" : message.node(), arrivals.incrementAndGet(),
                fanOut, place, System.nanoTime()));
        return slots::give;
    }

    private Domain newDomain(String domain) {
        Domain slots = new Domain(slotsOfDomain.applyAsInt(domain), orderWaitNanos);
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

    /** Tasks waiting for a slot of one domain, the slots free, and which tasks of recent fan-outs arrived. */
    private static final class Domain {
        private final int slots;
        private final long orderWaitNanos;
        private int free;
        /** In {@link #FIRST_DISPATCHED} order. */
        private final List<Waiter> waiting = new ArrayList<>();
        /** By fan-out, in the order of their first arrival: the ones to forget come first. */
        private final LinkedHashMap<String, Arrived> fanOuts = new LinkedHashMap<>();

        Domain(int slots, long orderWaitNanos) {
            this.slots = Math.max(1, slots);
            this.orderWaitNanos = orderWaitNanos;
            this.free = this.slots;
        }

        synchronized double running() {
            return slots - free;
        }

        synchronized double waiting() {
            return waiting.size();
        }

        synchronized void take(Waiter waiter) throws InterruptedException {
            arrived(waiter);
            waiting.add(waiter);
            waiting.sort(FIRST_DISPATCHED);
            grant();
            try {
                while (!waiter.granted) {
                    long orderWaitLeft = mayStart(waiter, System.nanoTime()) ? 0 : waiter.arrivedNanos + orderWaitNanos - System.nanoTime();
                    if (orderWaitLeft > 0) {
                        TimeUnit.NANOSECONDS.timedWait(this, orderWaitLeft);
                        grant();   // its wait for the fan-out's earlier tasks may be over
                    } else {
                        wait();
                    }
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
            free++;
            grant();
        }

        /** Hands the free slots to the waiting tasks that may start, in their order. */
        private void grant() {
            long now = System.nanoTime();
            boolean granted = false;
            for (Iterator<Waiter> it = waiting.iterator(); free > 0 && it.hasNext(); ) {
                Waiter waiter = it.next();
                if (mayStart(waiter, now)) {
                    it.remove();
                    waiter.granted = true;
                    free--;
                    granted = true;
                }
            }
            if (granted) {
                notifyAll();
            }
        }

        /**
         * Whether every earlier task of its fan-out and domain is here (or it waited for them long
         * enough). The order matters only when the fan-out has more tasks of the domain than it has slots.
         */
        private boolean mayStart(Waiter waiter, long now) {
            if (!ordered(waiter) || waiter.place.ahead() == 0 || now - waiter.arrivedNanos >= orderWaitNanos) {
                return true;
            }
            Arrived arrived = fanOuts.get(waiter.fanOut);
            return arrived == null || arrived.places.nextClearBit(0) >= waiter.place.ahead();
        }

        private boolean ordered(Waiter waiter) {
            return waiter.place != null && waiter.place.of() > slots && orderWaitNanos > 0;
        }

        private void arrived(Waiter waiter) {
            long now = waiter.arrivedNanos;
            for (Iterator<Arrived> it = fanOuts.values().iterator(); it.hasNext(); ) {
                if (now - it.next().firstNanos < FORGET_FAN_OUT_NANOS) {
                    break;
                }
                it.remove();
            }
            if (!ordered(waiter)) {
                return;
            }
            Arrived arrived = fanOuts.computeIfAbsent(waiter.fanOut, key -> new Arrived(now));
            arrived.places.set(waiter.place.ahead());
            if (arrived.places.cardinality() >= waiter.place.of()) {
                fanOuts.remove(waiter.fanOut);   // all here: no later one waits for them
            }
        }
    }

    /** Which of a fan-out's tasks of one domain arrived (by their place), and when the first did. */
    private static final class Arrived {
        final BitSet places = new BitSet();
        final long firstNanos;

        Arrived(long firstNanos) {
            this.firstNanos = firstNanos;
        }
    }

    private static final class Waiter {
        final Instant dispatchedAt;
        final String node;
        final long arrival;
        final String fanOut;
        final FanOutPlace place;
        final long arrivedNanos;
        boolean granted;

        Waiter(Instant dispatchedAt, String node, long arrival, String fanOut, FanOutPlace place, long arrivedNanos) {
            this.dispatchedAt = dispatchedAt;
            this.node = node;
            this.arrival = arrival;
            this.fanOut = fanOut;
            this.place = place;
            this.arrivedNanos = arrivedNanos;
        }
    }
}
