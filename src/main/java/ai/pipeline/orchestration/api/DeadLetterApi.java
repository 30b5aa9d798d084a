package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.monitor.DeadLetters;
import ai.pipeline.shared.api.ApiAnswer;
import ai.pipeline.shared.api.ApiRequests;
import ai.pipeline.shared.api.ApiResponse;
import ai.pipeline.shared.task.TaskFailure;
import java.util.List;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/v1/dead-letters} and {@code POST /api/v1/dead-letters/{topic}/{partition}/{offset}/replay}
 * ({@code routes/rest/api-dead-letters.camel.yaml}): what failed for good or was refused, and sending it again.
 */
@Component("deadLetterApi")
class DeadLetterApi {

    record DeadLetterList(List<DeadLetters.DeadLetter> items) {
    }

    private final DeadLetters deadLetters;

    DeadLetterApi(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    public ApiResponse<DeadLetterList> list(Message request) {
        String topic = ApiRequests.param(request, "topic");
        int limit = ApiRequests.intParam(request, "limit", 100);
        if (topic != null && !DeadLetters.isDeadLetterTopic(topic)) {
            throw TaskFailure.invalidInput("topic must be one of ai.tasks.dead-letter, ai.task-results.dead-letter, "
                    + "ai.pipeline.requests.dead-letter");
        }
        if (limit < 1 || limit > DeadLetters.MAX_LIMIT) {
            throw TaskFailure.invalidInput("limit must be between 1 and " + DeadLetters.MAX_LIMIT);
        }
        return ApiResponse.ok(new DeadLetterList(deadLetters.newest(topic, limit)));
    }

    public ApiAnswer replay(Message request) {
        String topic = ApiRequests.param(request, "topic");
        int partition = ApiRequests.intParam(request, "partition", -1);
        String offset = ApiRequests.param(request, "offset");
        long at;
        try {
            at = Long.parseLong(offset);
        } catch (NumberFormatException e) {
            throw TaskFailure.invalidInput("offset must be an integer, not '" + offset + "'");
        }
        return ApiAnswer.accepted(deadLetters.replay(topic, partition, at));
    }
}
