package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.monitor.DeadLetters;
import ai.pipeline.shared.api.ApiResponse;
import ai.pipeline.shared.task.TaskFailure;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/dead-letters} and {@code POST /api/v1/dead-letters/{topic}/{partition}/{offset}/replay}. */
@RestController
@RequestMapping("/api/v1/dead-letters")
@Tag(name = "dead letters", description = "what failed for good or was refused, and sending it again")
class DeadLetterController {

    record DeadLetterList(List<DeadLetters.DeadLetter> items) {
    }

    private final DeadLetters deadLetters;

    DeadLetterController(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @GetMapping
    @Operation(summary = "The newest records of the dead-letter topics (tasks that failed for good, refused worker reports, "
            + "refused Kafka requests), newest first: reason, when, the head of the payload and where a replay sends it")
    @ApiStatuses(errors = {400, 503})
    ApiResponse<DeadLetterList> list(
            @Parameter(schema = @Schema(allowableValues = {"ai.tasks.dead-letter", "ai.task-results.dead-letter",
                    "ai.pipeline.requests.dead-letter"})) @RequestParam(required = false) String topic,
            @Parameter(schema = @Schema(minimum = "1", maximum = "500", defaultValue = "100"))
            @RequestParam(defaultValue = "100") int limit) {
        if (topic != null && !topic.isBlank() && !DeadLetters.isDeadLetterTopic(topic)) {
            throw TaskFailure.invalidInput("topic must be one of ai.tasks.dead-letter, ai.task-results.dead-letter, "
                    + "ai.pipeline.requests.dead-letter");
        }
        if (limit < 1 || limit > DeadLetters.MAX_LIMIT) {
            throw TaskFailure.invalidInput("limit must be between 1 and " + DeadLetters.MAX_LIMIT);
        }
        return ApiResponse.ok(new DeadLetterList(deadLetters.newest(topic == null || topic.isBlank() ? null : topic, limit)));
    }

    @PostMapping("/{topic}/{partition}/{offset}/replay")
    @Operation(summary = "Send one dead letter again: a task's message to its task topic as the same attempt (the engine "
            + "applies an attempt's result once, so a settled attempt stays as it was), a refused record to the topic it came from")
    @ApiStatuses(success = 202, errors = {400, 404, 503})
    ResponseEntity<ApiResponse<DeadLetters.Replayed>> replay(@PathVariable String topic, @PathVariable int partition,
                                                            @PathVariable long offset) {
        return ResponseEntity.accepted().body(ApiResponse.ok(deadLetters.replay(topic, partition, offset)));
    }
}
