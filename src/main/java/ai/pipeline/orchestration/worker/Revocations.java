package ai.pipeline.orchestration.worker;

import ai.pipeline.orchestration.engine.Messages.Revocation;
import ai.pipeline.orchestration.engine.Messages.RevokedTask;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * What this worker process knows has been revoked, from the {@code ai.pipeline.control} topic: tasks
 * of cancelled or failed pipelines and of chords that failed fast, each up to a given attempt.
 * Workers skip such tasks before running them, and long tasks see it through their cancellation
 * signal. A later attempt (the pipeline was retried) is not revoked.
 */
@Component
public class Revocations {

    private static final Duration KEEP = Duration.ofDays(2);

    private record Entry(int attempt, Instant at) {
    }

    private final Map<String, Entry> tasks = new ConcurrentHashMap<>();

    public void revoke(Revocation revocation) {
        for (RevokedTask task : revocation.tasks()) {
            tasks.merge(revocation.chainId() + "/" + task.node(), new Entry(task.attempt(), revocation.at()),
                    (a, b) -> a.attempt() >= b.attempt() ? a : b);
        }
        if (tasks.size() % 1000 == 0) {
            Instant cutoff = Instant.now().minus(KEEP);
            tasks.values().removeIf(e -> e.at().isBefore(cutoff));
        }
    }

    public boolean isRevoked(String chainId, String node, int attempt) {
        Entry entry = tasks.get(chainId + "/" + node);
        return entry != null && attempt <= entry.attempt();
    }
}
