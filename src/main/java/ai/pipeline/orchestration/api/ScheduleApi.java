package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.scheduling.PeriodicSchedules;
import ai.pipeline.orchestration.scheduling.PeriodicSchedules.ScheduleView;
import ai.pipeline.shared.api.ApiResponse;
import java.util.List;
import org.springframework.stereotype.Component;

/** {@code GET /api/v1/schedules} ({@code routes/rest/api-schedules.camel.yaml}): the periodic schedules of {@code app.schedules}, with their next and last tick. */
@Component("scheduleApi")
class ScheduleApi {

    private final PeriodicSchedules schedules;

    ScheduleApi(PeriodicSchedules schedules) {
        this.schedules = schedules;
    }

    public ApiResponse<List<ScheduleView>> list() {
        return ApiResponse.ok(schedules.views());
    }
}
