package ai.pipeline.orchestration.retention;

import ai.pipeline.orchestration.engine.ClaimChecks;
import ai.pipeline.orchestration.engine.OrchestratorLease;
import ai.pipeline.orchestration.store.ExecutionStore;
import ai.pipeline.orchestration.store.FinishedRuns;
import ai.pipeline.shared.storage.Storage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Every {@code app.retention.interval}, on the instance that holds the orchestrator lease only (so two
 * instances never race over the same runs and files): deletes finished runs that ended more than
 * {@code app.retention.runs} ago with the files they wrote, {@link RunDeletion#delete a batch per
 * transaction}, then the files of every {@link RetainedFiles} older than theirs, then stored results
 * ({@link ClaimChecks}) of runs that were never recorded, a day after they were written. Counts what
 * it purged in {@code ai.retention.purged} [ai_retention_purged_total] by {@code what} (runs,
 * run-files, uploads, outbox, inbox, orphan-claims, …).
 */
@Component
@EnableConfigurationProperties(RetentionProperties.class)
public class RetentionJob implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);
    /** A bound on one pass, so a huge backlog is worked off over several passes, never in one long one. */
    private static final int MAX_BATCHES_PER_PASS = 100;
    /**
     * A run's stored results are deleted with the run; a folder of them whose run was never recorded
     * (its start was refused after a task message's input was stored) goes this long after its last change.
     */
    private static final Duration ORPHAN_CLAIMS_AFTER = Duration.ofDays(1);
    private static final Pattern CHAIN_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final RetentionProperties properties;
    private final OrchestratorLease lease;
    private final FinishedRuns runs;
    private final RunDeletion deletion;
    private final List<RetainedFiles> retained;
    private final MeterRegistry meters;
    private final Storage storage;
    private final ExecutionStore store;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "retention");
        thread.setDaemon(true);
        return thread;
    });

    RetentionJob(RetentionProperties properties, OrchestratorLease lease, FinishedRuns runs, RunDeletion deletion,
                 List<RetainedFiles> retained, Storage storage, ExecutionStore store, MeterRegistry meters) {
        this.properties = properties;
        this.storage = storage;
        this.store = store;
        this.lease = lease;
        this.runs = runs;
        this.deletion = deletion;
        this.retained = new ArrayList<>(retained);
        this.retained.add(new RetainedFiles("uploads", properties.uploads(), () -> List.of(storage.root().resolve("uploads"))));
        this.meters = meters;
        for (String what : whatIsPurged()) {
            counter(what);   // every series is there from the start, at 0
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    void begin() {
        if (RetentionProperties.enabled(properties.interval())) {
            log.info("Retention every {}: runs {}, uploads {}, outbox {}, inbox {} (0: kept for ever)", properties.interval(),
                    properties.runs(), properties.uploads(), properties.outbox(), properties.inbox());
            long every = properties.interval().toMillis();
            timer.scheduleWithFixedDelay(this::passQuietly, every, every, TimeUnit.MILLISECONDS);
        }
    }

    private void passQuietly() {
        try {
            pass();
        } catch (RuntimeException e) {
            log.warn("Retention pass failed; the next one goes on: {}", e.toString());
        }
    }

    /** One pass: does nothing unless this instance holds the orchestrator lease. Returns whether it ran. */
    public boolean pass() {
        if (!lease.holding()) {
            return false;
        }
        Instant now = Instant.now();
        if (RetentionProperties.enabled(properties.runs())) {
            purgeRuns(now.minus(properties.runs()));
        }
        for (RetainedFiles files : retained) {
            if (RetentionProperties.enabled(files.keep())) {
                purgeFiles(files, now.minus(files.keep()));
            }
        }
        purgeOrphanClaims(now.minus(ORPHAN_CLAIMS_AFTER));
        return true;
    }

    private void purgeOrphanClaims(Instant changedBefore) {
        Path claims = storage.root().resolve(ClaimChecks.FOLDER);
        if (!Files.isDirectory(claims, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Map<String, Path> old = new HashMap<>();
        try (Stream<Path> folders = Files.list(claims)) {
            folders.filter(folder -> CHAIN_ID.matcher(folder.getFileName().toString()).matches()
                            && Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS) && changedBefore(folder, changedBefore))
                    .limit(FinishedRuns.MAX_IDS)
                    .forEach(folder -> old.put(folder.getFileName().toString(), folder));
        } catch (IOException | UncheckedIOException e) {
            log.warn("Retention of stored results failed: {}", e.toString());
            return;
        }
        if (old.isEmpty()) {
            return;
        }
        old.keySet().removeAll(store.existingChainIds(old.keySet()));
        for (String chainId : old.keySet()) {
            counter("orphan-claims").increment(RunOutputs.deleteClaims(storage, chainId));
        }
    }

    private static boolean changedBefore(Path path, Instant cutoff) {
        try {
            return Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(cutoff);
        } catch (IOException e) {
            return false;
        }
    }

    private void purgeRuns(Instant endedBefore) {
        for (int batch = 0; batch < MAX_BATCHES_PER_PASS && lease.holding(); batch++) {
            List<String> old = runs.endedBefore(endedBefore, properties.batchSize());
            if (old.isEmpty()) {
                return;
            }
            RunDeletion.Deleted deleted = deletion.delete(old);
            counter("runs").increment(deleted.chainIds().size());
            counter("run-files").increment(deleted.files());
            if (deleted.chainIds().isEmpty() || old.size() < properties.batchSize()) {
                return;   // the rest is held by the engine (retried meanwhile), or there is no more
            }
        }
    }

    private void purgeFiles(RetainedFiles files, Instant modifiedBefore) {
        for (Path folder : files.folders().get()) {
            try {
                counter(files.name()).increment(AgedFiles.purge(folder, modifiedBefore));
            } catch (RuntimeException e) {
                log.warn("Retention of {} in {} failed: {}", files.name(), folder, e.toString());
            }
        }
    }

    private List<String> whatIsPurged() {
        List<String> what = new ArrayList<>(List.of("runs", "run-files", "orphan-claims"));
        retained.stream().map(RetainedFiles::name).distinct().forEach(what::add);
        return what;
    }

    private Counter counter(String what) {
        return Counter.builder("ai.retention.purged").tag("what", what)
                .description("runs and files deleted by the retention job").register(meters);
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }
}
