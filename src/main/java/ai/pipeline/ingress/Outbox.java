package ai.pipeline.ingress;

import ai.pipeline.orchestration.PipelineService;
import ai.pipeline.orchestration.api.PipelineViews.PipelineView;
import ai.pipeline.orchestration.pipelines.PipelineCatalog;
import ai.pipeline.orchestration.retention.RunsDeleted;
import ai.pipeline.orchestration.store.PipelineRow;
import ai.pipeline.platform.DataDirectory;
import ai.pipeline.platform.KafkaBatches;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.TaskFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes {@code <app.data-dir>/outbox/<chain_id>.json} when a run of a named pipeline ends (success,
 * failure or cancel), from whichever door it came: the run's record as {@code GET
 * /api/v1/pipelines/{chain_id}} answers it, input and result included. Fed by the pipeline events on
 * {@code ai.pipeline.events}; a retried run that ends again overwrites its file, and a deleted run's
 * file is deleted with it.
 */
@Component
class Outbox {

    private static final Logger log = LoggerFactory.getLogger(Outbox.class);
    private static final Set<String> TERMINAL = Set.of("SUCCESS", "FAILURE", "CANCELLED");
    /** Chain ids are UUIDs; anything else on the topic must not become a file name. */
    private static final Pattern CHAIN_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final PipelineService pipelines;
    private final PipelineCatalog catalog;
    private final JsonMapper json;
    private final Path outbox;

    Outbox(PipelineService pipelines, PipelineCatalog catalog, JsonMapper json, DataDirectory dataDirectory) {
        this.pipelines = pipelines;
        this.catalog = catalog;
        this.json = json;
        this.outbox = dataDirectory.outbox();
    }

    Path dir() {
        return outbox;
    }

    /**
     * The records of one poll of {@code ai.pipeline.events}, each handled by {@link #onEvent}; then their
     * offsets are committed. An event that cannot be read or written is logged and skipped, as a
     * record-by-record route would; a database that is away fails the batch, which is handled again.
     */
    void onEvents(List<Exchange> records) {
        for (Exchange record : records) {
            String body = record.getIn().getBody(String.class);
            if (body == null) {
                continue;   // a record without a value announces nothing
            }
            try {
                onEvent(body);
            } catch (JacksonException | UncheckedIOException e) {
                log.warn("Skipped an event the outbox could not handle ({}): {}", e.toString(),
                        body.length() > 200 ? body.substring(0, 200) + "…" : body);
            }
        }
        KafkaBatches.commitHandled(records);
    }

    /** Body: one event from {@code ai.pipeline.events}; anything but the end of a named pipeline's run is ignored. */
    void onEvent(String body) {
        Ending event = peek(body);
        if (!"pipeline".equals(event.kind()) || !TERMINAL.contains(event.status()) || event.pipeline() == null
                || catalog.find(event.pipeline()).isEmpty() || event.chainId() == null || !CHAIN_ID.matcher(event.chainId()).matches()) {
            return;
        }
        String chainId = event.chainId();
        PipelineRow row;
        try {
            row = pipelines.latest(chainId);   // the event may come a commit before the record
        } catch (TaskFailure unknown) {
            return;   // an event of a run this database does not hold (the topic outlived it): nothing to write
        }
        if (!row.status.terminal()) {
            return;   // retried since this event: its next end writes the file
        }
        write(chainId, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(PipelineView.of(row, json, true)));
    }

    /** What decides whether an event is a named pipeline's end. */
    private record Ending(String kind, String status, String pipeline, String chainId) {
    }

    /** Reads the event's top-level strings only: most events are a task's, and a result can be large. */
    private Ending peek(String body) {
        Map<String, String> fields = new HashMap<>();
        try (JsonParser parser = json.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new StreamReadException(parser, "an event is a JSON object");
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                if (parser.nextToken() == JsonToken.VALUE_STRING) {
                    fields.put(name, parser.getString());
                } else {
                    parser.skipChildren();
                }
            }
        }
        return new Ending(fields.get("kind"), fields.get("status"), fields.get("pipeline"), fields.get("chain_id"));
    }

    /** A deleted run's file goes with it. */
    @EventListener
    void onRunsDeleted(RunsDeleted deleted) {
        for (String chainId : deleted.chainIds()) {
            if (CHAIN_ID.matcher(chainId).matches()) {
                try {
                    Files.deleteIfExists(outbox.resolve(chainId + ".json"));
                } catch (IOException e) {
                    log.warn("Run {} is deleted, but not its outbox file: {}", chainId, e.toString());   // the retention job gets it later
                }
            }
        }
    }

    /** Complete or not at all: readers of the outbox never see half a file. */
    private void write(String chainId, byte[] content) {
        Path target = outbox.resolve(chainId + ".json");
        try {
            Storage.writeWhole(target, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }
}
