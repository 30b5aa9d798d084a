package ai.pipeline.ingress;

import ai.pipeline.orchestration.engine.OrchestratorLease;
import ai.pipeline.orchestration.engine.Topics;
import ai.pipeline.platform.KafkaBatches;
import java.util.List;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The drop folder's routes:
 * <ul>
 * <li>{@code ingress-drop-folder}: files in {@code <inbox>/<pipeline>/} → {@link DropFolder#start} →
 *     the file moves to {@code .done/}; refused → {@code .failed/} with {@code <file>.error.txt}
 *     ({@link RefusedFiles}).
 *     Kafka or the database away: the file waits in the inbox until they are back
 *     ({@code engine-errors}). A file is taken once it is {@code app.inbox.min-age} old and its size
 *     and time stop changing ({@code readLock=changed}); names starting with a dot, and
 *     {@code *.part}, {@code *.tmp}, {@code *.crdownload}, are never taken. An empty file is taken too
 *     ({@code readLockMinLength=0}; Camel's default would leave it in the inbox for ever) and refused.</li>
 * <li>{@code ingress-outbox}: pipeline events → {@code <outbox>/<chain_id>.json} when a named
 *     pipeline's run ends ({@link Outbox}).</li>
 * </ul>
 * Both are singleton work: only the instance holding the orchestrator lease runs them (route group
 * {@link OrchestratorLease#SINGLETON}), so instances sharing an inbox never take a file twice.
 * A disabled door ({@code app.inbox.enabled}, {@code app.outbox.enabled}) has no route.
 */
@Component
class DropFolderRoutes extends RouteBuilder {

    private static final String ENGINE_ERRORS = "engine-errors";
    /** How long the outbox's consumer waits in a poll: also how long a batch waits once the topic is quiet. */
    private static final int OUTBOX_POLL_MS = 200;

    private final DropFolder dropFolder;
    private final Outbox outbox;
    private final InboxProperties inbox;
    private final boolean outboxEnabled;

    DropFolderRoutes(DropFolder dropFolder, Outbox outbox, InboxProperties inbox,
                     @Value("${app.outbox.enabled:true}") boolean outboxEnabled) {
        this.dropFolder = dropFolder;
        this.outbox = outbox;
        this.inbox = inbox;
        this.outboxEnabled = outboxEnabled;
    }

    @Override
    public void configure() {
        if (inbox.enabled()) {
            fromF("file:%s?recursive=true&maxDepth=2&antExclude=**/*.part,**/*.tmp,**/*.crdownload"
                            + "&readLock=changed&readLockMinLength=0&readLockMinAge=%d&readLockCheckInterval=%d&delay=%d"
                            + "&move=${file:parent}/%s/${header.%s}&moveFailed=${file:parent}/%s/${header.%s}",
                    dropFolder.inbox(), inbox.minAge().toMillis(), Math.max(100, inbox.minAge().toMillis() / 2),
                    inbox.pollInterval().toMillis(), DropFolder.DONE, DropFolder.TARGET_NAME, DropFolder.FAILED,
                    DropFolder.TARGET_NAME)
                    .routeId("ingress-drop-folder")
                    .routeConfigurationId(ENGINE_ERRORS + "," + RefusedFiles.ID)
                    .group(OrchestratorLease.SINGLETON).autoStartup(false)
                    .process(dropFolder::prepare)
                    .process(dropFolder::start);
        }
        if (outboxEnabled) {
            // every task and pipeline event passes here, and only a named pipeline's end writes a file: a poll's
            // records go through the route as one exchange (Camel's batching consumer), which holds a batch until
            // pollTimeoutMs after a poll that brought nothing, so a file follows its run's end within a second
            from("kafka:" + Topics.EVENTS + "?groupId=ingress-outbox&autoOffsetReset=earliest&batching=true&pollTimeoutMs=" + OUTBOX_POLL_MS
                    + KafkaBatches.POLLS)
                    .routeId("ingress-outbox")
                    .routeConfigurationId(ENGINE_ERRORS)
                    .group(OrchestratorLease.SINGLETON).autoStartup(false)
                    .process(exchange -> outbox.onEvents(exchange.getIn().getBody(List.class)));
        }
    }
}
