package ai.pipeline.orchestration.monitor;

import ai.pipeline.orchestration.PipelineService;
import ai.pipeline.orchestration.canvas.CanvasJson;
import ai.pipeline.orchestration.engine.Plan;
import ai.pipeline.orchestration.engine.Plan.Kind;
import ai.pipeline.orchestration.engine.Plan.Node;
import ai.pipeline.orchestration.store.AttemptRow;
import ai.pipeline.orchestration.store.PipelineRow;
import ai.pipeline.orchestration.store.TaskRow;
import ai.pipeline.orchestration.store.TaskState;
import ai.pipeline.shared.task.TaskFailure;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.NullNode;

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
    private final CanvasJson canvasJson;
    private final JsonMapper json;

    public TaskStories(PipelineService pipelines, CanvasJson canvasJson, JsonMapper json) {
        this.pipelines = pipelines;
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
            Map<String, TaskRow> byNode = tasks.stream().collect(Collectors.toMap(t -> t.node, Function.identity()));
            input = input(new Inputs(plan, byNode, parse(pipeline.input)).of(planned), fullInput);
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

    private JsonNode parse(String text) {
        return text == null ? NullNode.getInstance() : json.readTree(text);
    }

    /**
     * The input a node was given, recomputed from the records for display: the previous step's
     * result, the parent's input, a map's item or the header's results for a chord's body. It
     * follows {@code Advancer.inputOf}, which is internal to the engine and needs a run it holds;
     * unlike it, a chord whose policy is all-settled is shown with its members' plain results.
     */
    private final class Inputs {
        private final Plan plan;
        private final Map<String, TaskRow> tasks;
        private final JsonNode runInput;

        Inputs(Plan plan, Map<String, TaskRow> tasks, JsonNode runInput) {
            this.plan = plan;
            this.tasks = tasks;
            this.runInput = runInput;
        }

        JsonNode of(Node node) {
            Node parent = node.parent();
            if (parent == null) {
                return runInput;
            }
            if (parent.kind() == Kind.CHAIN && node.index() > 0) {
                return resultOf(parent.members().get(node.index() - 1));
            }
            if (node.isChordBody()) {
                return results(parent.members());
            }
            JsonNode parentInput = of(parent);
            return parent.kind() == Kind.FOR_EACH ? parentInput.path(parent.forEach().items()).path(node.index()) : parentInput;
        }

        private JsonNode resultOf(Node node) {
            return switch (node.kind()) {
                case TASK -> {
                    TaskRow task = tasks.get(node.path());
                    yield task == null || task.state != TaskState.SUCCESS ? NullNode.getInstance() : parse(task.result);
                }
                case CHAIN -> node.members().isEmpty() ? NullNode.getInstance() : resultOf(node.members().get(node.members().size() - 1));
                case GROUP -> results(node.members());
                case CHORD -> resultOf(node.body());
                case FOR_EACH -> {
                    int items = (int) tasks.keySet().stream().filter(path -> isItemOf(path, node)).count();
                    ArrayNode results = json.createArrayNode();
                    for (int i = 0; i < items; i++) {
                        results.add(resultOf(plan.forEachItem(node, i)));
                    }
                    yield results;
                }
            };
        }

        private ArrayNode results(List<Node> members) {
            ArrayNode results = json.createArrayNode();
            members.forEach(member -> results.add(resultOf(member)));
            return results;
        }

        private static boolean isItemOf(String path, Node forEach) {
            String prefix = forEach.path() + ".";
            return path.startsWith(prefix) && path.substring(prefix.length()).chars().allMatch(Character::isDigit);
        }
    }
}
