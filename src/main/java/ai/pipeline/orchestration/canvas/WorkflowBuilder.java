package ai.pipeline.orchestration.canvas;

import java.time.Duration;
import java.util.List;

/**
 * The Java face of the canvas, read like Celery's:
 * <pre>{@code
 * chain(task("ocr.extract_text"),
 *       chord(task("llm.summarize"), task("llm.analyze_clauses"))
 *           .then(task("core.echo").asImmutable()))
 * }</pre>
 * Every method returns plain {@link Canvas} data; {@link CanvasJson} writes the same thing as JSON.
 */
public final class WorkflowBuilder {

    private WorkflowBuilder() {
    }

    public static Canvas.Task task(String name) {
        return new Canvas.Task(name, null, false, null);
    }

    public static Canvas.Chain chain(Canvas... steps) {
        return new Canvas.Chain(List.of(steps));
    }

    public static Canvas.Group group(Canvas... members) {
        return new Canvas.Group(List.of(members));
    }

    public static ChordBuilder chord(Canvas... header) {
        return new ChordBuilder(List.of(header), ChordPolicy.FAIL_FAST, null);
    }

    /** One {@code task} per element of the input's list at key {@code items}, in parallel, results in list order. */
    public static Canvas.ForEach forEach(String items, Canvas.Task task) {
        return new Canvas.ForEach(task, items);
    }

    /** {@code canvas} with an on-failure canvas, run once if it fails (Celery's {@code link_error}). */
    public static Canvas.OnFailure onFailure(Canvas canvas, Canvas handler) {
        return new Canvas.OnFailure(canvas, handler);
    }

    /** A chord's header and options, waiting for its body. */
    public record ChordBuilder(List<Canvas> header, ChordPolicy policy, Duration timeout) {

        public ChordBuilder policy(ChordPolicy policy) {
            return new ChordBuilder(header, policy, timeout);
        }

        public ChordBuilder timeout(Duration timeout) {
            return new ChordBuilder(header, policy, timeout);
        }

        public Canvas.Chord then(Canvas body) {
            return new Canvas.Chord(header, body, policy, timeout);
        }
    }
}
