package ai.pipeline.orchestration.pipelines;

import ai.pipeline.orchestration.canvas.Canvas;
import java.util.List;
import java.util.Objects;

/**
 * A named pipeline: a canvas defined once, started by name from REST, the drop folder or Kafka.
 * {@code inputs} lists the input files it accepts (a start request names exactly one of them);
 * {@code stages} optionally names the steps of its top-level chain, so their tasks can be shown
 * together (the AI pipeline's four stages); {@code source} is the route file it was compiled from
 * (null for one built in Java).
 */
public record PipelineDefinition(String name, String description, Canvas canvas, List<InputKind> inputs,
                                 List<Stage> stages, RouteSource source) {

    /** The route file a pipeline was compiled from: its name, where it lives, and its text. */
    public record RouteSource(String file, Origin origin, String text) {
    }

    /** Where a route file lives: shipped in the jar, or in {@code app.pipelines.dir}. */
    public enum Origin {
        SHIPPED, PIPELINES_DIR
    }

    /**
     * A named part of the pipeline: every task at {@code node} or below it belongs to the stage
     * ({@code node} is a step of the top-level chain: {@code "0"}, {@code "1"}, …).
     */
    public record Stage(String name, String node, String description) {

        public boolean contains(String taskNode) {
            return taskNode.equals(node) || taskNode.startsWith(node + ".");
        }
    }

    public PipelineDefinition(String name, String description, Canvas canvas, List<InputKind> inputs,
                              List<Stage> stages) {
        this(name, description, canvas, inputs, stages, null);
    }

    public PipelineDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(canvas, "canvas");
        inputs = List.copyOf(inputs);
        stages = List.copyOf(stages);
    }

    /** The stage a task at {@code taskNode} belongs to, or null. */
    public Stage stageOf(String taskNode) {
        return stages.stream().filter(s -> s.contains(taskNode)).findFirst().orElse(null);
    }
}
