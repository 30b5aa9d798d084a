package ai.pipeline.orchestration.monitor;

import ai.pipeline.orchestration.PipelineService;
import ai.pipeline.orchestration.canvas.CanvasJson;
import ai.pipeline.orchestration.engine.PipelineEngine;
import ai.pipeline.orchestration.engine.Plan;
import ai.pipeline.orchestration.engine.Plan.Node;
import ai.pipeline.orchestration.store.AttemptRow;
import ai.pipeline.orchestration.store.PipelineRow;
import ai.pipeline.orchestration.store.TaskRow;
import ai.pipeline.shared.task.TaskFailure;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A task's full story from the run's records: the arguments its canvas gives it, the input it was
 * given, its result and every finished attempt. Reads the store only.
 */
@Service
public class TaskStories {

    /** How much of a task's input the page shows before it is asked for all of it. */
    static final int INPUT_PREVIEW_CHARS = 2000;

    /** {@code input} is the whole input when it is short or asked for, else null; {@code preview} its start. */
    public record Input(JsonNode value, String preview, int chars, boolean abbreviated) {
    }

    public record Story(PipelineRow pipeline, TaskRow task, Map<String, Object> args, boolean immutable, Input input,
                        List<AttemptRow> attempts) {
    }

    private final PipelineService pipelines;
    private final PipelineEngine engine;
    private final CanvasJson canvasJson;
    private final JsonMapper json;

    public TaskStories(PipelineService pipelines, PipelineEngine engine, CanvasJson canvasJson, JsonMapper json) {
        this.pipelines = pipelines;
        this.engine = engine;
        this.canvasJson = canvasJson;
        this.json = json;
    }

    public Story story(String chainId, String node, boolean fullInput) {
        PipelineRow pipeline = pipelines.get(chainId);
        List<TaskRow> tasks = pipelines.tasks(chainId);
        TaskRow task = tasks.stream().filter(t -> t.node.equals(node)).findFirst().orElseThrow(() -> TaskFailure.notFound(
                "run " + chainId + " has no task at node " + node + " (GET /api/v1/pipelines/" + chainId + "/tasks lists them)"));
        Plan plan = Plan.of(canvasJson.parse(pipeline.canvas));
        Node planned = plan.node(node);
        List<AttemptRow> attempts = pipelines.attempts(chainId).stream().filter(a -> a.taskId().equals(task.taskId)).toList();
        boolean immutable = planned != null && planned.task() != null && planned.task().immutable();
        Input input = null;
        if (planned != null && !immutable && (task.attempt > 0 || task.dispatched())) {   // before that it has none yet
            input = input(engine.storedInputOf(chainId, node), fullInput);
        }
        Map<String, Object> args = planned == null || planned.task() == null ? Map.of() : planned.task().args();
        return new Story(pipeline, task, args, immutable, input, attempts);
    }

    private Input input(JsonNode value, boolean full) {
        String text = json.writeValueAsString(value);
        boolean abbreviated = !full && text.length() > INPUT_PREVIEW_CHARS;
        return new Input(abbreviated ? null : value, abbreviated ? text.substring(0, INPUT_PREVIEW_CHARS) : text,
                text.length(), abbreviated);
    }

}
