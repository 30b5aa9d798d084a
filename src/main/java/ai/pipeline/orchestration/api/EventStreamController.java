package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.live.LiveEvents;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** {@code GET /api/v1/events/stream}: pipeline and task state changes as server-sent events. */
@RestController
@RequestMapping("/api/v1/events")
@Tag(name = "live events", description = "state changes of every run, pushed as they happen")
class EventStreamController {

    private final LiveEvents live;

    EventStreamController(LiveEvents live) {
        this.live = live;
    }

    @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "Server-sent events: 'ready' first, then 'pipeline' and 'task' events (JSON: chain_id, "
            + "pipeline, kind, status, node, task_id, task, attempt, error, at) as runs change; 'resync' when this "
            + "client fell behind and should reload; a comment every 15 s. Ends after 30 minutes: reconnect.",
            responses = @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200",
                    content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
                            schema = @Schema(type = "string", example = "event: pipeline\ndata: {\"chain_id\": \"…\", "
                                    + "\"kind\": \"pipeline\", \"status\": \"SUCCESS\"}\n\n"))))
    @ApiStatuses(errors = {503})
    SseEmitter stream() {
        return live.subscribe();
    }
}
