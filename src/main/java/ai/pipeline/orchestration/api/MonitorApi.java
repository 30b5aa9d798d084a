package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.monitor.KafkaQueues;
import ai.pipeline.shared.api.ApiResponse;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/v1/queues} and {@code GET /api/v1/workers} ({@code routes/rest/api-monitor.camel.yaml}):
 * the task topics and the processes consuming them, as Kafka sees them now.
 */
@Component("monitorApi")
class MonitorApi {

    record QueueList(List<KafkaQueues.Queue> items) {
    }

    record WorkerList(List<KafkaQueues.Worker> items) {
    }

    private final KafkaQueues queues;

    MonitorApi(KafkaQueues queues) {
        this.queues = queues;
    }

    public ApiResponse<QueueList> queues() {
        return ApiResponse.ok(new QueueList(queues.snapshot().queues()));
    }

    public ApiResponse<WorkerList> workers() {
        return ApiResponse.ok(new WorkerList(queues.snapshot().workers()));
    }
}
