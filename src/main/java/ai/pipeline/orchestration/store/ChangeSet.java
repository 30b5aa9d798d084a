package ai.pipeline.orchestration.store;

import java.util.ArrayList;
import java.util.List;

/**
 * What one group commit writes: copies of the rows as they were when the commit took them, so the
 * engine goes on changing its records while they are written. Applied in order: a change set that
 * failed to commit is written again before a newer one.
 */
public final class ChangeSet {

    final List<PipelineRow> newPipelines = new ArrayList<>();
    final List<PipelineRow> changedPipelines = new ArrayList<>();
    final List<TaskRow> newTasks = new ArrayList<>();
    final List<TaskRow> changedTasks = new ArrayList<>();
    final List<AttemptRow> attempts = new ArrayList<>();
    final List<JoinRow> newJoins = new ArrayList<>();
    final List<JoinRow> changedJoins = new ArrayList<>();

    /** The attempts this set records (their outcomes are what reports said). */
    public List<AttemptRow> attempts() {
        return java.util.Collections.unmodifiableList(attempts);
    }

    public boolean isEmpty() {
        return newPipelines.isEmpty() && changedPipelines.isEmpty() && newTasks.isEmpty() && changedTasks.isEmpty()
                && attempts.isEmpty() && newJoins.isEmpty() && changedJoins.isEmpty();
    }

    /** A new set: this one's changes, then {@code later}'s. */
    public ChangeSet then(ChangeSet later) {
        ChangeSet merged = new ChangeSet();
        merged.add(this);
        merged.add(later);
        return merged;
    }

    /** Adds {@code later}'s changes after this set's. */
    public void add(ChangeSet later) {
        newPipelines.addAll(later.newPipelines);
        changedPipelines.addAll(later.changedPipelines);
        newTasks.addAll(later.newTasks);
        changedTasks.addAll(later.changedTasks);
        attempts.addAll(later.attempts);
        newJoins.addAll(later.newJoins);
        changedJoins.addAll(later.changedJoins);
    }
}
