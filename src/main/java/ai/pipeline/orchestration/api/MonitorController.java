package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.monitor.KafkaQueues;
import ai.pipeline.orchestration.monitor.WorkerActivity;
import ai.pipeline.shared.api.ApiResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/queues} and {@code GET /api/v1/workers}: the task topics and the processes consuming them, as Kafka sees them now. */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "workers and queues", description = "task topics with their lag and consumers; the processes consuming them")
class MonitorController {

    record QueueList(List<KafkaQueues.Queue> items) {
    }

    record WorkerList(List<KafkaQueues.Worker> items,
                      @Schema(description = "every worker process (host/pid) seen in the last 5 minutes or running a task now: "
                              + "when it was last seen, what it runs, attempts done and failed (and per minute)")
                      List<WorkerActivity.Process> processes) {
    }

    private final KafkaQueues queues;
    private final WorkerActivity activity;

    MonitorController(KafkaQueues queues, WorkerActivity activity) {
        this.queues = queues;
        this.activity = activity;
    }

    @GetMapping("/queues")
    @Operation(summary = "Every task topic: its partitions, records, the lag of its worker group and the consumers assigned to it")
    @ApiStatuses(errors = {503})
    ApiResponse<QueueList> queues() {
        return ApiResponse.ok(new QueueList(queues.snapshot().queues()));
    }

    @GetMapping("/workers")
    @Operation(summary = "Every host with consumers in our groups: its roles (orchestrator, worker-<domain>, …), "
            + "the task types assigned to it and its consumers, as the Kafka group coordinator sees them now; "
            + "and every worker process with what it runs now and what it did in the last 5 minutes")
    @ApiStatuses(errors = {503})
    ApiResponse<WorkerList> workers() {
        return ApiResponse.ok(new WorkerList(queues.snapshot().workers(), activity.processes()));
    }
}
