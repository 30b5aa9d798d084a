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
public sealed interface Canvas permits Canvas.Task, Canvas.Chain, Canvas.Group, Canvas.Chord, Canvas.ForEach {

    /**
     * One task: {@code name} is the operation ({@code ocr.extract_text}), {@code args} its own
     * arguments; an immutable signature ignores the previous result.
     */
    record Task(String name, Map<String, Object> args, boolean immutable, Retry retry) implements Canvas {
        public Task {
            Objects.requireNonNull(name, "name");
            args = args == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(args));
        }

        public Task arg(String key, Object value) {
            Map<String, Object> more = new LinkedHashMap<>(args);
            more.put(key, value);
            return new Task(name, more, immutable, retry);
        }

        /** Celery's {@code .si()}: this signature ignores the previous task's result. */
        public Task asImmutable() {
            return new Task(name, args, true, retry);
        }

        public Task retry(int maxAttempts, Duration backoff) {
            return new Task(name, args, immutable, new Retry(maxAttempts, backoff.toMillis()));
        }
    }

    /** Retry settings of one signature; null fields keep the task type's defaults. */
    record Retry(Integer max, Long backoffMs) {
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
        }
    }
}
