package ai.pipeline.orchestration.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * The records of one pipeline run as the engine holds them in memory, plus what changed since they
 * were last stored: the engine edits these objects and {@link ExecutionStore#save} writes exactly the changes.
 */
public final class ChainRecords {

    private final PipelineRow pipeline;
    private final Map<String, TaskRow> tasks = new LinkedHashMap<>();
    private final Map<String, JoinRow> joins = new LinkedHashMap<>();
    private boolean newPipeline;
    /** Whether the pipeline row is in the database (a commit that wrote its insert succeeded, or it was loaded). */
    private volatile boolean stored;

    final Set<TaskRow> changedTasks = Collections.newSetFromMap(new IdentityHashMap<>());
    final List<TaskRow> newTasks = new ArrayList<>();
    final List<AttemptRow> newAttempts = new ArrayList<>();
    final Set<JoinRow> changedJoins = Collections.newSetFromMap(new IdentityHashMap<>());
    final List<JoinRow> newJoins = new ArrayList<>();
    boolean pipelineChanged;
    /** Results read back as JSON, by the very string a row holds (a new result is a new string). */
    private final Map<String, JsonNode> readResults = new IdentityHashMap<>();

    ChainRecords(PipelineRow pipeline, Collection<TaskRow> tasks, Collection<JoinRow> joins, boolean newPipeline) {
        this.pipeline = pipeline;
        this.newPipeline = newPipeline;
        this.stored = !newPipeline;
        tasks.forEach(t -> this.tasks.put(t.node, t));
        joins.forEach(j -> this.joins.put(j.node, j));
    }

    /**
     * A result of this run's rows as JSON, read once: a run reads its finished tasks' results each time
     * it advances (a chain of n tasks n times). The tree is shared, so it is never changed in place.
     */
    public JsonNode readResult(String text, Function<String, JsonNode> reader) {
        return readResults.computeIfAbsent(text, reader);
    }

    /** Records of a pipeline not stored yet: saving inserts the pipeline row too. */
    public static ChainRecords forNewPipeline(PipelineRow pipeline) {
        return new ChainRecords(pipeline, List.of(), List.of(), true);
    }

    public PipelineRow pipeline() {
        return pipeline;
    }

    public boolean stored() {
        return stored;
    }

    /** A commit that wrote this pipeline's row succeeded. */
    public void markStored() {
        stored = true;
    }

    public TaskRow task(String node) {
        return tasks.get(node);
    }

    public Collection<TaskRow> tasks() {
        return Collections.unmodifiableCollection(tasks.values());
    }

    public JoinRow join(String node) {
        return joins.get(node);
    }

    public Collection<JoinRow> joins() {
        return Collections.unmodifiableCollection(joins.values());
    }

    public void addTask(TaskRow task) {
        tasks.put(task.node, task);
        newTasks.add(task);
    }

    /** Marks a task row as changed so it is written. */
    public void changed(TaskRow task) {
        if (!newTasks.contains(task)) {
            changedTasks.add(task);
        }
    }

    public void addAttempt(AttemptRow attempt) {
        newAttempts.add(attempt);
    }

    public void addJoin(JoinRow join) {
        joins.put(join.node, join);
        newJoins.add(join);
    }

    public void changed(JoinRow join) {
        if (!newJoins.contains(join)) {
            changedJoins.add(join);
        }
    }

    public void pipelineChanged() {
        pipelineChanged = true;
    }

    /**
     * Copies of every row changed since the last call, for a group commit to write; from now on
     * further changes are tracked anew.
     */
    public ChangeSet takeChanges() {
        ChangeSet set = new ChangeSet();
        if (newPipeline) {
            set.newPipelines.add(pipeline.copy());
        } else if (pipelineChanged) {
            set.changedPipelines.add(pipeline.copy());
        }
        newTasks.forEach(t -> set.newTasks.add(t.copy()));
        changedTasks.forEach(t -> set.changedTasks.add(t.copy()));
        set.attempts.addAll(newAttempts);
        newJoins.forEach(j -> set.newJoins.add(j.copy()));
        changedJoins.forEach(j -> set.changedJoins.add(j.copy()));
        clearChanges();
        return set;
    }

    private void clearChanges() {
        changedTasks.clear();
        newTasks.clear();
        newAttempts.clear();
        changedJoins.clear();
        newJoins.clear();
        pipelineChanged = false;
        newPipeline = false;
    }

    public boolean hasChanges() {
        return newPipeline || pipelineChanged || !changedTasks.isEmpty() || !newTasks.isEmpty() || !newAttempts.isEmpty()
                || !changedJoins.isEmpty() || !newJoins.isEmpty();
    }
}
