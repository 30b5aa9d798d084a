package ai.pipeline.orchestration.scheduling;

import ai.pipeline.orchestration.PipelineService;
import ai.pipeline.orchestration.canvas.Canvas;
import ai.pipeline.orchestration.canvas.CanvasJson;
import ai.pipeline.orchestration.engine.PipelineEngine;
import ai.pipeline.orchestration.pipelines.PipelineCatalog;
import ai.pipeline.orchestration.pipelines.PipelineInputs;
import ai.pipeline.platform.TimeOrderedIds;
import ai.pipeline.shared.task.TaskFailure;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The periodic schedules of {@code app.schedules} (Celery beat). Each is checked at start: a name,
 * exactly one of a pipeline and a canvas, JSON that parses, a cron in Spring's syntax and a zone; a
 * schedule that fails is refused (logged, and listed in health {@code schedules}), the others run.
 * On each pass of the {@code orchestration-schedules} timer (lease holder only) a schedule whose next
 * tick has come claims it as a {@code schedule_tick} row, then starts its run under the chain id the
 * row holds: a tick runs once across instances, and a tick claimed by an instance that stopped
 * before starting its run is started by the next holder. Ticks missed while no instance ran are
 * not caught up one by one: only the latest is run.
 */
@Component
@EnableConfigurationProperties(ScheduleDefinitions.class)
public class PeriodicSchedules {

    /** A schedule as {@code GET /api/v1/schedules} shows it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ScheduleView(String name, String pipeline, JsonNode canvas, String cron, String zone, Instant nextTick,
                               Instant lastTick, String lastChainId, String lastError, String refused) {
    }

    private record Active(ScheduleDefinitions.Entry entry, CronExpression cron, ZoneId zone, Canvas canvas, JsonNode input,
                          Map<String, Object> options) {
    }

    private static final Logger log = LoggerFactory.getLogger(PeriodicSchedules.class);
    static final String SOURCE = "schedule";
    /** A bound on the ticks skipped over in one pass (a per-second cron after a long stop). */
    private static final int MAX_SKIPPED_TICKS = 100_000;

    private final PipelineService pipelines;
    private final PipelineCatalog catalog;
    private final PipelineInputs inputs;
    private final CanvasJson canvasJson;
    private final JsonMapper json;
    private final ScheduleTicks ticks;
    private final Map<String, Active> active = new LinkedHashMap<>();
    private final Map<String, String> refused = new TreeMap<>();
    /** Where a schedule that never ticked starts counting from. */
    private final Instant since = Instant.now();

    PeriodicSchedules(ScheduleDefinitions definitions, PipelineService pipelines, PipelineCatalog catalog, PipelineInputs inputs,
                      CanvasJson canvasJson, JsonMapper json, ScheduleTicks ticks) {
        this.pipelines = pipelines;
        this.catalog = catalog;
        this.inputs = inputs;
        this.canvasJson = canvasJson;
        this.json = json;
        this.ticks = ticks;
        List<ScheduleDefinitions.Entry> entries = definitions.schedules();
        for (int i = 0; i < entries.size(); i++) {
            ScheduleDefinitions.Entry entry = entries.get(i);
            String name = entry.name() == null || entry.name().isBlank() ? "app.schedules[" + i + "]" : entry.name();
            try {
                if (active.containsKey(name) || refused.containsKey(name)) {
                    throw new IllegalArgumentException("another schedule has the same name");
                }
                active.put(name, check(name, entry));
            } catch (RuntimeException e) {
                refused.put(name, e.getMessage());
                log.error("Schedule {} is refused and will not run: {}", name, e.getMessage());
            }
        }
        if (!active.isEmpty()) {
            log.info("Periodic schedules: {}", active.keySet());
        }
    }

    private Active check(String name, ScheduleDefinitions.Entry entry) {
        if (entry.name() == null || !entry.name().matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("name must be 1 to 100 letters, digits, dots, dashes or underscores");
        }
        boolean pipeline = entry.pipeline() != null && !entry.pipeline().isBlank();
        boolean canvas = entry.canvas() != null && !entry.canvas().isBlank();
        if (pipeline == canvas) {
            throw new IllegalArgumentException("give exactly one of pipeline and canvas");
        }
        if (entry.cron() == null || entry.cron().isBlank()) {
            throw new IllegalArgumentException("cron is required");
        }
        CronExpression cron;
        try {
            cron = CronExpression.parse(entry.cron());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cron '" + entry.cron() + "' does not parse (Spring's six fields, seconds "
                    + "first, or a macro like @hourly): " + e.getMessage());
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(entry.zone() == null || entry.zone().isBlank() ? "UTC" : entry.zone());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("zone '" + entry.zone() + "' is not a time zone: " + e.getMessage());
        }
        JsonNode input = parse("input", entry.input());
        Map<String, Object> options = inputs.options(parse("options", entry.options()));
        if (canvas && !options.isEmpty()) {
            throw new IllegalArgumentException("options are for a named pipeline; a canvas carries its task args itself");
        }
        Canvas parsed = null;
        if (canvas) {
            try {
                parsed = pipelines.requestFor(canvasJson.parse(parse("canvas", entry.canvas())), input, null, SOURCE).canvas();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        }
        return new Active(entry, cron, zone, parsed, input, options);
    }

    private JsonNode parse(String field, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(field + " is not JSON: " + e.getMessage());
        }
    }

    /** Schedule name → why it was refused. */
    public Map<String, String> refused() {
        return Map.copyOf(refused);
    }

    /**
     * One pass: starts this instance's schedules' ticks claimed but left unstarted, then claims and
     * starts each schedule's tick that has come. (A tick left by a schedule no longer configured stays.)
     */
    void tick() {
        for (ScheduleTicks.Tick tick : ticks.unstarted()) {
            if (active.containsKey(tick.schedule())) {
                start(tick);
            }
        }
        Instant now = Instant.now();
        for (Active schedule : active.values()) {
            String name = schedule.entry().name();
            Instant after = ticks.last(name).map(ScheduleTicks.Tick::tickAt).orElse(since);
            Instant due = latestTick(schedule, after, now);
            if (due != null) {
                ScheduleTicks.Tick tick = new ScheduleTicks.Tick(name, due, TimeOrderedIds.nextChainId(), false, null);
                if (ticks.claim(tick)) {
                    start(tick);
                }
            }
        }
    }

    /** The latest tick after {@code after} and not after {@code now}; null when none has come. */
    private static Instant latestTick(Active schedule, Instant after, Instant now) {
        ZonedDateTime tick = schedule.cron().next(after.atZone(schedule.zone()));
        if (tick == null || tick.toInstant().isAfter(now)) {
            return null;
        }
        for (int i = 0; i < MAX_SKIPPED_TICKS; i++) {
            ZonedDateTime next = schedule.cron().next(tick);
            if (next == null || next.toInstant().isAfter(now)) {
                break;
            }
            tick = next;
        }
        return tick.toInstant();
    }

    /** Starts a claimed tick's run under its chain id; bad data (a pipeline gone, an input file gone) is recorded on the tick. */
    private void start(ScheduleTicks.Tick tick) {
        Active schedule = active.get(tick.schedule());
        try {
            pipelines.start(request(schedule).withChainId(tick.chainId()));
            ticks.started(tick, null);
        } catch (TaskFailure e) {
            if (e.retryable()) {
                throw e;
            }
            log.warn("Schedule {}: the tick at {} cannot start: {}", tick.schedule(), tick.tickAt(), e.getMessage());
            ticks.started(tick, "not started: " + e.getMessage());
        }
    }

    private PipelineEngine.StartRequest request(Active schedule) {
        if (schedule.canvas() != null) {
            return new PipelineEngine.StartRequest(PipelineService.WORKFLOW, schedule.canvas(), schedule.input(), null, SOURCE);
        }
        String pipeline = schedule.entry().pipeline();
        catalog.find(pipeline).ifPresent(definition -> inputs.check(definition, schedule.input()));
        return pipelines.requestFor(pipeline, schedule.input(), schedule.options(), null, SOURCE);
    }

    /** Every schedule, refused ones too, with its next and last tick. */
    public List<ScheduleView> views() {
        Instant now = Instant.now();
        List<ScheduleView> views = new ArrayList<>();
        for (Active schedule : active.values()) {
            ScheduleDefinitions.Entry entry = schedule.entry();
            ScheduleTicks.Tick last = ticks.last(entry.name()).orElse(null);
            ZonedDateTime next = schedule.cron().next(now.atZone(schedule.zone()));
            views.add(new ScheduleView(entry.name(), entry.pipeline(),
                    schedule.canvas() == null ? null : canvasJson.toJson(schedule.canvas()), entry.cron(),
                    schedule.zone().getId(), next == null ? null : next.toInstant(), last == null ? null : last.tickAt(),
                    // a tick's chain id is shown once its run is stored: the API never names a run it then cannot find
                    last == null || !last.started() || last.error() != null ? null : last.chainId(),
                    last == null ? null : last.error(), null));
        }
        refused.forEach((name, error) -> views.add(new ScheduleView(name, null, null, null, null, null, null, null, null, error)));
        return views;
    }
}
