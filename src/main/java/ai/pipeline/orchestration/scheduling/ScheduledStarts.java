package ai.pipeline.orchestration.scheduling;

import ai.pipeline.orchestration.PipelineService;
import ai.pipeline.orchestration.canvas.CanvasJson;
import ai.pipeline.orchestration.engine.PipelineEngine;
import ai.pipeline.orchestration.store.ExecutionStore;
import ai.pipeline.platform.TimeOrderedIds;
import ai.pipeline.shared.task.TaskFailure;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Starts a checked request now or later, with or without a completion callback. The chain id is
 * fixed before anything is stored: the callback is registered under it first (so the run cannot end
 * unseen), then the run is started under it, or recorded as SCHEDULED when it is due later.
 */
@Service
@EnableConfigurationProperties(SchedulingProperties.class)
public class ScheduledStarts {

    private final PipelineService pipelines;
    private final ScheduledRuns scheduled;
    private final RunCallbacks callbacks;
    private final CallbackUrls callbackUrls;
    private final ExecutionStore store;
    private final CanvasJson canvasJson;
    private final JsonMapper json;
    private final SchedulingProperties properties;

    ScheduledStarts(PipelineService pipelines, ScheduledRuns scheduled, RunCallbacks callbacks, CallbackUrls callbackUrls,
                    ExecutionStore store, CanvasJson canvasJson, JsonMapper json, SchedulingProperties properties) {
        this.pipelines = pipelines;
        this.scheduled = scheduled;
        this.callbacks = callbacks;
        this.callbackUrls = callbackUrls;
        this.store = store;
        this.canvasJson = canvasJson;
        this.json = json;
        this.properties = properties;
    }

    /**
     * The controls of a start request, checked: {@code countdown_s} (seconds, not negative) or
     * {@code eta} (an ISO-8601 instant with its offset), at most {@code app.scheduling.max-delay}
     * ahead, not both; {@code callback_url} (see {@link CallbackUrls}). Each may be null.
     */
    public StartControls controls(Number countdownS, String eta, String callbackUrl) {
        Instant now = Instant.now();
        Instant dueAt = null;
        if (countdownS != null && eta != null) {
            throw TaskFailure.invalidInput("countdown_s and eta: give at most one of them");
        }
        if (countdownS != null) {
            double seconds = countdownS.doubleValue();
            if (!(seconds >= 0) || Double.isInfinite(seconds)) {
                throw TaskFailure.invalidInput("countdown_s must be a number of seconds, 0 or more");
            }
            if (seconds > properties.maxDelay().toSeconds()) {
                throw TaskFailure.invalidInput("countdown_s must be at most " + properties.maxDelay().toSeconds()
                        + " seconds (app.scheduling.max-delay)");
            }
            dueAt = now.plusMillis(Math.round(seconds * 1000));
        } else if (eta != null) {
            try {
                dueAt = OffsetDateTime.parse(eta).toInstant();
            } catch (DateTimeParseException e) {
                throw TaskFailure.invalidInput("eta must be an ISO-8601 instant with its offset, e.g. 2026-12-05T09:30:00Z");
            }
            if (dueAt.isAfter(now.plus(properties.maxDelay()))) {
                throw TaskFailure.invalidInput("eta must be at most " + properties.maxDelay() + " ahead (app.scheduling.max-delay)");
            }
        }
        return new StartControls(dueAt, callbackUrl == null ? null : callbackUrls.check(callbackUrl));
    }

    /**
     * Takes {@code countdown_s}, {@code eta} and {@code callback_url} out of a start request given as a
     * JSON object (a named pipeline's body, a Kafka request) and checks them as {@link #controls} does.
     */
    public StartControls takeControls(ObjectNode body) {
        JsonNode countdown = body.remove("countdown_s");
        if (countdown != null && !countdown.isNull() && !countdown.isNumber()) {
            throw TaskFailure.invalidInput("countdown_s must be a number of seconds");
        }
        return controls(countdown == null || countdown.isNull() ? null : countdown.numberValue(),
                text(body.remove("eta"), "eta"), text(body.remove("callback_url"), "callback_url"));
    }

    private static String text(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw TaskFailure.invalidInput(field + " must be a string");
        }
        return node.asString();
    }

    /**
     * For a door that starts in batches under chain ids of its own (Kafka): records what the controls
     * need under the request's chain id, so that reading the same request again changes nothing. Returns
     * whether the run is to start now; false when it waits as SCHEDULED.
     */
    public boolean prepare(PipelineEngine.StartRequest request, StartControls controls) {
        String chainId = Objects.requireNonNull(request.chainId(), "a prepared request has its chain id");
        if (controls.callbackUrl() != null) {
            callbacks.registerOnce(chainId, controls.callbackUrl());
        }
        if (controls.dueAt() == null || !controls.dueAt().isAfter(Instant.now())) {
            return true;
        }
        schedule(request, chainId, controls.dueAt());
        return false;
    }

    /** Starts the request (checked by {@link PipelineService#requestFor}) as its controls say. */
    public PipelineEngine.Started start(PipelineEngine.StartRequest request, StartControls controls) {
        if (controls.dueAt() == null && controls.callbackUrl() == null) {
            return pipelines.start(request);
        }
        String chainId = TimeOrderedIds.nextChainId();
        if (controls.callbackUrl() != null) {
            callbacks.register(chainId, controls.callbackUrl());
        }
        try {
            PipelineEngine.Started started = controls.dueAt() == null || !controls.dueAt().isAfter(Instant.now())
                    ? pipelines.start(request.withChainId(chainId))
                    : schedule(request, chainId, controls.dueAt());
            if (!started.chainId().equals(chainId) && controls.callbackUrl() != null) {
                callbacks.remove(chainId);   // an earlier request with the same id answers: this one started nothing
            }
            return started;
        } catch (RuntimeException e) {
            if (controls.callbackUrl() != null) {
                callbacks.remove(chainId);
            }
            throw e;
        }
    }

    private PipelineEngine.Started schedule(PipelineEngine.StartRequest request, String chainId, Instant dueAt) {
        if (!store.existingChainIds(List.of(chainId)).isEmpty()) {
            return new PipelineEngine.Started(chainId, true);   // the same request read again after its run started
        }
        String requestId = request.requestId();
        if (requestId != null) {
            Optional<String> known = startedFor(requestId);
            if (known.isPresent()) {
                return new PipelineEngine.Started(known.get(), true);
            }
        }
        ScheduledRuns.Due run = new ScheduledRuns.Due(chainId, request.pipeline(), canvasJson.write(request.canvas()),
                request.input() == null ? null : json.writeValueAsString(request.input()), requestId, request.source());
        try {
            scheduled.add(run, dueAt, Instant.now());
        } catch (DuplicateKeyException e) {
            if (scheduled.find(chainId).isPresent()) {
                return new PipelineEngine.Started(chainId, true);   // the same request read again
            }
            // the same request_id, scheduled by a concurrent request: that one answers
            return Optional.ofNullable(requestId).flatMap(this::startedFor)
                    .map(id -> new PipelineEngine.Started(id, true)).orElseThrow(() -> e);
        }
        return new PipelineEngine.Started(chainId, false);
    }

    private Optional<String> startedFor(String requestId) {
        return scheduled.chainIdForRequest(requestId)
                .or(() -> Optional.ofNullable(store.chainIdsForRequests(List.of(requestId)).get(requestId)));
    }
}
