package ai.pipeline.orchestration.worker;

import ai.pipeline.orchestration.engine.Messages.Revocation;
import ai.pipeline.orchestration.engine.Messages.RevokedTask;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * What this worker process knows has been revoked, from the {@code ai.pipeline.control} topic: tasks
 * of cancelled or failed pipelines and of chords that failed fast, each up to a given attempt.
 * Workers skip such tasks before running them, and long tasks see it through their cancellation
 * signal. A later attempt (the pipeline was retried) is not revoked.
 */
@Component
public class Revocations {

    /** Long enough for any task message still queued or running; bounded so a busy worker's memory is too. */
    private static final Duration KEEP = Duration.ofDays(2);
    private static final long MAX_ENTRIES = 1_000_000;

    /** chain/node → the last attempt revoked. */
    private final Cache<String, Integer> tasks = Caffeine.newBuilder().expireAfterWrite(KEEP).maximumSize(MAX_ENTRIES).build();

    public void revoke(Revocation revocation) {
        for (RevokedTask task : revocation.tasks()) {
            tasks.asMap().merge(revocation.chainId() + "/" + task.node(), task.attempt(), Math::max);
        }
    }

    public boolean isRevoked(String chainId, String node, int attempt) {
        Integer revoked = tasks.getIfPresent(chainId + "/" + node);
        return revoked != null && attempt <= revoked;
    }
}
