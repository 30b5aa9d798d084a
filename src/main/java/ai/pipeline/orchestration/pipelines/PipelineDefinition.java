package ai.pipeline.orchestration.pipelines;

import ai.pipeline.orchestration.canvas.Canvas;

/** A named pipeline: a canvas defined once, started by name from REST, the drop folder or Kafka. */
public record PipelineDefinition(String name, String description, Canvas canvas) {
}
