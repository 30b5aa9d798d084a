package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.scheduling.PeriodicSchedules;
import ai.pipeline.orchestration.scheduling.PeriodicSchedules.ScheduleView;
import ai.pipeline.shared.api.ApiResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/schedules}: the periodic schedules of {@code app.schedules}, with their next and last tick. */
@RestController
@RequestMapping("/api/v1/schedules")
@Tag(name = "schedules", description = "periodic pipelines (cron)")
class ScheduleController {

    private final PeriodicSchedules schedules;

    ScheduleController(PeriodicSchedules schedules) {
        this.schedules = schedules;
    }

    @GetMapping
    @Operation(summary = "The periodic schedules: pipeline or canvas, cron, zone, next tick, last tick with its run "
            + "(or why it did not start); a refused schedule with what is wrong")
    @ApiStatuses(errors = {503})
    ApiResponse<List<ScheduleView>> list() {
        return ApiResponse.ok(schedules.views());
    }
}
