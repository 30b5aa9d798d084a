package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.monitor.RunStats;
import ai.pipeline.shared.api.ApiResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/stats?window=1h}: what the dashboard's charts draw. */
@RestController
@RequestMapping("/api/v1/stats")
@Tag(name = "stats", description = "throughput, durations and failures over a recent window")
class StatsController {

    private final RunStats stats;

    StatsController(RunStats stats) {
        this.stats = stats;
    }

    @GetMapping
    @Operation(summary = "Over the window: per pipeline its finished runs, failures and p50/p95 duration, in total and in 60 "
            + "time buckets; attempts' durations per task type; failed attempts by reason (failed for good, retried)")
    @ApiStatuses(errors = {400, 503})
    ApiResponse<RunStats.Stats> stats(@Parameter(description = "a number and a unit (m, h, d), 1m to 7d", example = "1h")
                                      @RequestParam(defaultValue = "1h") String window) {
        return ApiResponse.ok(stats.over(window, Instant.now()));
    }
}
