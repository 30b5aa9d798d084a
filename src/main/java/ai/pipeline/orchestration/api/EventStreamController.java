package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.live.LiveEvents;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/v1/events/stream}: pipeline and task state changes as server-sent events. The one
 * endpoint left on Spring MVC: a REST DSL route answers once, after it has run (platform-http writes
 * the exchange's body when the route completes), while an event stream stays open for 30 minutes and
 * flushes each event as it happens, which Spring's {@link SseEmitter} does. Its OpenAPI entry is added
 * by {@link OpenApiDocument}.
 */
@RestController
@RequestMapping("/api/v1/events")
class EventStreamController {

    private final LiveEvents live;

    EventStreamController(LiveEvents live) {
        this.live = live;
    }

    @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream() {
        return live.subscribe();
    }
}
