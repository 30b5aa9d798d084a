package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.monitor.RunStats;
import ai.pipeline.shared.api.ApiRequests;
import ai.pipeline.shared.api.ApiResponse;
import java.time.Instant;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/** {@code GET /api/v1/stats?window=1h} ({@code routes/rest/api-monitor.camel.yaml}): what the dashboard's charts draw. */
@Component("statsApi")
class StatsApi {

    private final RunStats stats;

    StatsApi(RunStats stats) {
        this.stats = stats;
    }

    public ApiResponse<RunStats.Stats> stats(Message request) {
        String window = ApiRequests.param(request, "window");
        return ApiResponse.ok(stats.over(window == null ? "1h" : window, Instant.now()));
    }
}
