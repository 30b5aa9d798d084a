package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.monitor.KafkaQueues;
import ai.pipeline.orchestration.monitor.WorkerActivity;
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

    /**
     * {@code processes}: every worker process (host/pid) seen in the last 5 minutes or running a task
     * now: when it was last seen, what it runs, attempts done and failed (and per minute).
     */
    record WorkerList(List<KafkaQueues.Worker> items, List<WorkerActivity.Process> processes) {
    }

    private final KafkaQueues queues;
    private final WorkerActivity activity;

    MonitorApi(KafkaQueues queues, WorkerActivity activity) {
        this.queues = queues;
        this.activity = activity;
    }

    public ApiResponse<QueueList> queues() {
        return ApiResponse.ok(new QueueList(queues.snapshot().queues()));
    }

    public ApiResponse<WorkerList> workers() {
        return ApiResponse.ok(new WorkerList(queues.snapshot().workers(), activity.processes()));
    }
}
