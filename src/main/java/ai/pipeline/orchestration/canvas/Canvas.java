package ai.pipeline.orchestration.canvas;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * A workflow as data, with Celery's canvas semantics: a task signature, a chain (each result feeds
 * the next), a group (members in parallel, results in member order), a chord (a group, then a body
 * that gets all results) and a for-each (Celery's {@code map}: one task per item of a list in the
 * input, in parallel). Built with {@link WorkflowBuilder} or read from JSON with {@link CanvasJson}.
 */
public sealed interface Canvas permits Canvas.Task, Canvas.Chain, Canvas.Group, Canvas.Chord, Canvas.ForEach, Canvas.OnFailure {

    /**
     * One task: {@code name} is the operation ({@code ocr.extract_text}), {@code args} its own
     * arguments; an immutable signature ignores the previous result.
     */
    record Task(String name, Map<String, Object> args, boolean immutable, Retry retry, TimeLimit timeLimit) implements Canvas {
        public Task {
            Objects.requireNonNull(name, "name");
            args = args == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(args));
        }

        public Task(String name, Map<String, Object> args, boolean immutable, Retry retry) {
            this(name, args, immutable, retry, null);
        }

        public Task arg(String key, Object value) {
            Map<String, Object> more = new LinkedHashMap<>(args);
            more.put(key, value);
            return new Task(name, more, immutable, retry, timeLimit);
        }

        /** Celery's {@code .si()}: this signature ignores the previous task's result. */
        public Task asImmutable() {
            return new Task(name, args, true, retry, timeLimit);
        }

        public Task retry(int maxAttempts, Duration backoff) {
            return new Task(name, args, immutable, new Retry(maxAttempts, backoff.toMillis()), timeLimit);
        }

        /** Celery's {@code soft_time_limit} and {@code time_limit} for this step (null: the task type's). */
        public Task timeLimit(Duration soft, Duration hard) {
            return new Task(name, args, immutable, retry,
                    new TimeLimit(soft == null ? null : soft.toMillis(), hard == null ? null : hard.toMillis()));
        }
    }

    /** Retry settings of one signature; null fields keep the task type's defaults. */
    record Retry(Integer max, Long backoffMs) {
    }

    /**
     * Time limits of one step, in milliseconds; a null field keeps the task type's default
     * ({@code app.engine.time-limits}). At the soft limit the task is asked to stop (as by a cancel:
     * between pages, images, model calls); at the hard limit the worker abandons it. Either way the
     * attempt fails as {@code time_limit}, retried per the step's retry policy.
     */
    record TimeLimit(Long softMs, Long hardMs) {

        /** The longest limit: below the workers' {@code max.poll.interval.ms} (30 min), so a task at its limit keeps its consumer. */
        public static final Duration MAX = Duration.ofMinutes(25);

        /** What is wrong with these limits, or null when they are fine. */
        public String problem() {
            for (Long ms : new Long[] {softMs, hardMs}) {
                if (ms != null && (ms <= 0 || ms > MAX.toMillis())) {
                    return "a time limit is more than 0 and at most " + MAX.toSeconds() + " s, got " + ms / 1000.0 + " s";
                }
            }
            if (softMs != null && hardMs != null && softMs > hardMs) {
                return "the soft time limit (" + softMs / 1000.0 + " s) is longer than the hard one (" + hardMs / 1000.0 + " s)";
            }
            return null;
        }
    }

    record Chain(List<Canvas> steps) implements Canvas {
        public Chain {
            steps = List.copyOf(steps);
        }
    }

    record Group(List<Canvas> members) implements Canvas {
        public Group {
            members = List.copyOf(members);
        }
    }

    /** A group whose results go, in member order, to {@code body}; {@code timeout} null means the engine default. */
    record Chord(List<Canvas> header, Canvas body, ChordPolicy policy, Duration timeout) implements Canvas {
        public Chord {
            header = List.copyOf(header);
            policy = policy == null ? ChordPolicy.FAIL_FAST : policy;
        }
    }

    /** JSON {@code {"map": …}}: one {@code task} per element of the list at key {@code items} of the input. */
    record ForEach(Task task, String items) implements Canvas {
    }

    /**
     * A whole canvas with an on-failure canvas (Celery's {@code link_error}): when {@code canvas} fails,
     * {@code handler} runs once, as tasks of the same run, with the failure described in its input;
     * the run still ends FAILURE. Only the whole canvas takes one, and a handler has none of its own
     * ({@link CanvasValidator}).
     */
    record OnFailure(Canvas canvas, Canvas handler) implements Canvas {
        public OnFailure {
            Objects.requireNonNull(canvas, "canvas");
            Objects.requireNonNull(handler, "handler");
        }
    }

    /** The canvas without its on-failure canvas, if it has one. */
    default Canvas withoutOnFailure() {
        return this instanceof OnFailure f ? f.canvas() : this;
    }

    /** The on-failure canvas of the whole canvas, or null. */
    default Canvas onFailure() {
        return this instanceof OnFailure f ? f.handler() : null;
    }

    /** The names of every task signature in the canvas. */
    default Set<String> taskNames() {
        Set<String> names = new TreeSet<>();
        tasks().forEach(task -> names.add(task.name()));
        return names;
    }

    /** Every task signature in the canvas, in canvas order (a chord's header before its body). */
    default List<Task> tasks() {
        List<Task> tasks = new ArrayList<>();
        collectTasks(this, tasks);
        return tasks;
    }

    /** The same canvas with every task signature replaced by {@code replace(signature)}. */
    default Canvas withTasks(UnaryOperator<Task> replace) {
        if (this instanceof Task t) {
            return replace.apply(t);
        } else if (this instanceof Chain c) {
            return new Chain(c.steps().stream().map(s -> s.withTasks(replace)).toList());
        } else if (this instanceof Group g) {
            return new Group(g.members().stream().map(m -> m.withTasks(replace)).toList());
        } else if (this instanceof Chord c) {
            return new Chord(c.header().stream().map(m -> m.withTasks(replace)).toList(), c.body().withTasks(replace),
                    c.policy(), c.timeout());
        } else if (this instanceof OnFailure f) {
            return new OnFailure(f.canvas().withTasks(replace), f.handler().withTasks(replace));
        }
        ForEach f = (ForEach) this;
        return new ForEach(replace.apply(f.task()), f.items());
    }

    private static void collectTasks(Canvas canvas, List<Task> tasks) {
        if (canvas instanceof Task t) {
            tasks.add(t);
        } else if (canvas instanceof Chain c) {
            c.steps().forEach(s -> collectTasks(s, tasks));
        } else if (canvas instanceof Group g) {
            g.members().forEach(m -> collectTasks(m, tasks));
        } else if (canvas instanceof Chord c) {
            c.header().forEach(m -> collectTasks(m, tasks));
            collectTasks(c.body(), tasks);
        } else if (canvas instanceof ForEach f) {
            tasks.add(f.task());
        } else if (canvas instanceof OnFailure f) {
            collectTasks(f.canvas(), tasks);
            collectTasks(f.handler(), tasks);
        }
    }
}
