package ai.pipeline.orchestration.canvas;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

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
        collectTaskNames(this, names);
        return names;
    }

    private static void collectTaskNames(Canvas canvas, Set<String> names) {
        if (canvas instanceof Task t) {
            names.add(t.name());
        } else if (canvas instanceof Chain c) {
            c.steps().forEach(s -> collectTaskNames(s, names));
        } else if (canvas instanceof Group g) {
            g.members().forEach(m -> collectTaskNames(m, names));
        } else if (canvas instanceof Chord c) {
            c.header().forEach(m -> collectTaskNames(m, names));
            collectTaskNames(c.body(), names);
        } else if (canvas instanceof ForEach f) {
            names.add(f.task().name());
        }
    }
}
