package ai.pipeline.orchestration.retention;

import ai.pipeline.orchestration.engine.PipelineEngine;
import ai.pipeline.orchestration.store.FinishedRuns;
import ai.pipeline.shared.storage.Storage;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Removes finished runs: their records in one transaction, taken while the engine holds none of
 * them (so no retry or late report writes to a run being deleted), then the files they wrote under
 * storage, then tells the other modules ({@link RunsDeleted}). A run that has not ended, or that the
 * engine holds again, is left as it is.
 */
@Service
public class RunDeletion {

    private static final Logger log = LoggerFactory.getLogger(RunDeletion.class);

    /** What a deletion removed: the runs, and how many files they had written. */
    public record Deleted(List<String> chainIds, int files) {
    }

    private final PipelineEngine engine;
    private final FinishedRuns runs;
    private final TransactionTemplate transactions;
    private final RunOutputs outputs;
    private final ApplicationEventPublisher events;

    RunDeletion(PipelineEngine engine, FinishedRuns runs, TransactionTemplate transactions, Storage storage, JsonMapper json,
                ApplicationEventPublisher events) {
        this.engine = engine;
        this.runs = runs;
        this.transactions = transactions;
        this.outputs = new RunOutputs(storage, json);
        this.events = events;
    }

    /** Deletes those of these runs (at most {@link FinishedRuns#MAX_IDS}) that have ended. */
    public Deleted delete(Collection<String> chainIds) {
        // read before the engine waits (results can be large); a run that ended again meanwhile is not deleted
        Map<String, FinishedRuns.Payloads> payloads = runs.payloads(chainIds);
        Map<String, Instant> endedAt = new HashMap<>();
        payloads.forEach((chainId, p) -> endedAt.put(chainId, p.finishedAt()));
        List<String> deleted = engine.withRunsNotHeld(endedAt.keySet(), notHeld -> {
            Map<String, Instant> deletable = new HashMap<>(endedAt);
            deletable.keySet().retainAll(notHeld);
            return transactions.execute(status -> runs.delete(deletable));
        });
        if (deleted.isEmpty()) {
            return new Deleted(List.of(), 0);
        }
        // the records are gone first: a file left behind by a failure here is an orphan, never a record naming a missing file
        int files = 0;
        for (String chainId : deleted) {
            try {
                files += outputs.delete(payloads.get(chainId));
                files += outputs.deleteClaims(chainId);
            } catch (RuntimeException e) {
                log.warn("Run {} is deleted, but not all of its files: {}", chainId, e.toString());
            }
        }
        events.publishEvent(new RunsDeleted(deleted));
        log.info("Deleted {} runs and {} files they wrote", deleted.size(), files);
        return new Deleted(deleted, files);
    }
}
