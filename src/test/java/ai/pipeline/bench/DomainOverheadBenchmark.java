package ai.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.orchestration.pipelines.TestInputs;
import ai.pipeline.platform.KafkaConnection;
import ai.pipeline.shared.task.TaskDefinition;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import ai.pipeline.testsupport.SharedTestData;
import ai.pipeline.testsupport.TestTaskContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * The cost of the engine around the domain work: the named {@code document} (a three-page scanned
 * contract) and {@code image-analysis} (the dog photo) pipelines end to end, against the same work
 * done without the engine, in the same JVM on the same stored input. Run with
 * {@code ./mvnw -q -B -Pbenchmark test -Dtest=DomainOverheadBenchmark} ({@code -Dbench.runs=N} for
 * N measured runs of each path; default 8 for the document, 20 for the photo, after 3 warm-ups;
 * {@code -Dbench.timeline=true} also prints each pipeline run's tasks: queued, started, finished);
 * prints JSON lines and appends them to {@code bench/results/domain-overhead-<instant>.jsonl}.
 *
 * <p><b>Direct</b> calls the pipeline's own task handlers (the {@link TaskDefinition} beans a worker
 * runs; the OCR, vision and LLM services behind them are package-private to their domains), in the
 * canvas's order, each given the previous result as JSON the way a worker gives it (the conversion
 * is timed with the task, as the worker's records time it). It runs twice: one task at a time
 * ({@code direct_sequential}), and with the parallelism the canvas has on the default worker
 * concurrency of 2 ({@code direct_parallel}: a document's pages two at a time, detection beside OCR).
 * Overhead is measured against {@code direct_parallel}.
 *
 * <p><b>Endpoints</b> does the same work by hand as a user of the domains would, through their own
 * synchronous endpoints: {@code document} is {@code POST /api/v1/ocr/extract} on the whole file (its
 * pages read two at a time, as {@code app.ocr.threads} has it on this machine) then
 * {@code /api/v1/llm/summarize} on its text; {@code image-analysis} is {@code /vision/detect} beside
 * {@code /ocr/extract}, then {@code /llm/describe} on both. {@code overhead_vs_endpoints} compares the
 * pipeline with that.
 *
 * <p><b>Pipeline</b> posts the stored file's path to {@code POST /api/v1/pipelines/<name>} and stops
 * the clock when the pipeline's terminal event arrives on {@code ai.pipeline.events}; one pipeline
 * at a time. Its task records then split the wall time: {@code task_busy} (time in which at least one
 * of its tasks ran), {@code lead} (request until the first task started: HTTP, input checks, records,
 * the first Kafka hop), {@code gaps} (between tasks: the hops from a result to the next dispatch) and
 * {@code tail} (last task's end until the event was seen).
 *
 * <p>The application is the shared {@link AppTest} context; the model comes from the tests'
 * {@code application.properties} ({@code app.vision.model}), as for the pipeline ITs.
 */
@Tag("benchmark")
@AppTest
class DomainOverheadBenchmark {

    private static final int WARMUP = 3;
    /** {@code app.engine.worker-concurrency.default}: how many of one domain's tasks a pipeline runs at once. */
    private static final int PIPELINE_PARALLELISM = 2;
    private static final Duration RUN = Duration.ofSeconds(120);

    @LocalServerPort
    int port;

    @Autowired
    List<TaskDefinition> taskDefinitions;

    @Autowired
    JsonMapper json;

    @Autowired
    KafkaConnection kafka;

    @TempDir
    Path tmp;

    private Map<String, TaskDefinition> tasks;
    private ApiClient api;
    private Pipelines pipelines;
    private final ExecutorService pool = Executors.newFixedThreadPool(PIPELINE_PARALLELISM);

    @Test
    void documentAndImageAnalysis() throws Exception {
        tasks = taskDefinitions.stream().collect(Collectors.toMap(TaskDefinition::name, Function.identity()));
        api = new ApiClient(port);
        pipelines = new Pipelines(api);
        await().atMost(Duration.ofSeconds(60)).until(() -> "UP".equals(api.get("/actuator/health").json()
                .path("components").path("vision").path("status").asString()));
        String document = upload(TestInputs.contractPdf(tmp.resolve("contract.pdf"), 3));
        String photo = upload(SharedTestData.file("testdata/images/dog.jpg"));
        String runs = System.getProperty("bench.runs");

        List<String> lines = new ArrayList<>();
        try (EventClock clock = new EventClock(kafka.bootstrapServers())) {
            lines.addAll(measure(clock, new Subject("document", json.valueToTree(Map.of("document_path", document)),
                    this::document, () -> documentByEndpoints(document), DomainOverheadBenchmark::documentOutcome),
                    runs == null ? 8 : Integer.parseInt(runs)));
            lines.addAll(measure(clock, new Subject("image-analysis", json.valueToTree(Map.of("image_path", photo)),
                    this::imageAnalysis, () -> imageByEndpoints(photo), run -> imageOutcome(run.record().path("result"))),
                    runs == null ? 20 : Integer.parseInt(runs)));
        } finally {
            pool.shutdown();
        }
        Path results = Path.of("bench", "results", "domain-overhead-" + Instant.now().toString().replace(':', '-') + ".jsonl");
        Files.createDirectories(results.getParent());
        for (String line : lines) {
            System.out.println(line);
            Files.writeString(results, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    private String upload(Path file) {
        ApiClient.Response response = api.postFile("/api/v1/files", file);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().path("data").path("path").asString();
    }

    /** A named pipeline, its input, the same work without the engine (direct, and by hand over the domains' endpoints), and what must agree. */
    private record Subject(String pipeline, JsonNode input, DirectWork direct, Callable<Outcome> endpoints,
                           Function<PipelineRun, Outcome> outcome) {
    }

    @FunctionalInterface
    private interface DirectWork {
        Outcome run(JsonNode input, Timings timings, boolean parallel) throws Exception;
    }

    /** What both paths must agree on: the OCR text, the detected labels (image only) and the final text. */
    private record Outcome(String text, List<String> labels, String answer) {
    }

    // --- direct: the canvas's tasks called in its order ---------------------------------------------------------

    /** chain(ocr.split_pages, map(pages, ocr.extract_page), ocr.merge_pages, llm.summarize). */
    private Outcome document(JsonNode input, Timings timings, boolean parallel) throws Exception {
        JsonNode split = task("ocr.split_pages", input, timings);
        List<Callable<JsonNode>> pages = new ArrayList<>();
        for (JsonNode page : split.path("pages")) {
            pages.add(() -> task("ocr.extract_page", page, timings));
        }
        JsonNode merged = task("ocr.merge_pages", all(pages, parallel), timings);
        JsonNode summary = task("llm.summarize", merged, timings);
        return new Outcome(merged.path("text").asString(), List.of(), summary.path("summary").asString());
    }

    /** chord([vision.detect_objects, ocr.extract_text], chord([core.echo, llm.describe], pipeline.merge_image_analysis)). */
    private Outcome imageAnalysis(JsonNode input, Timings timings, boolean parallel) throws Exception {
        JsonNode header = all(List.of(() -> task("vision.detect_objects", input, timings),
                () -> task("ocr.extract_text", input, timings)), parallel);
        JsonNode body = all(List.of(() -> task("core.echo", header, timings),
                () -> task("llm.describe", header, timings)), parallel);
        JsonNode merged = task("pipeline.merge_image_analysis", body, timings);
        return imageOutcome(merged);
    }

    /**
     * Runs one task's handler on this input, as a worker does: the input from JSON to plain values,
     * the result to JSON, both inside the timing (as inside a task's recorded run time).
     */
    private JsonNode task(String name, JsonNode input, Timings timings) throws Exception {
        long start = System.nanoTime();
        Object result = tasks.get(name).run(TestTaskContext.withInput(json.treeToValue(input, Object.class)));
        JsonNode asJson = json.valueToTree(result);
        timings.add(name, (System.nanoTime() - start) / 1e6);
        return asJson;
    }

    /** The calls' results in order: one after the other, or on the pool (as the engine runs a map or a chord's header). */
    private ArrayNode all(List<Callable<JsonNode>> calls, boolean parallel) throws Exception {
        ArrayNode results = json.createArrayNode();
        if (!parallel) {
            for (Callable<JsonNode> call : calls) {
                results.add(call.call());
            }
            return results;
        }
        for (Future<JsonNode> future : pool.invokeAll(calls)) {
            results.add(future.get());
        }
        return results;
    }

    // --- by hand: the domains' synchronous endpoints, as a user without pipelines would call them ----------------

    /** {@code /ocr/extract} on the whole document, then {@code /llm/summarize} on its text. */
    private Outcome documentByEndpoints(String document) {
        String text = call("/api/v1/ocr/extract", Map.of("path", document)).path("text").asString();
        String summary = call("/api/v1/llm/summarize", Map.of("text", text)).path("summary").asString();
        return new Outcome(text, List.of(), summary);
    }

    /** {@code /vision/detect} beside {@code /ocr/extract}, then {@code /llm/describe} on both. */
    private Outcome imageByEndpoints(String photo) throws Exception {
        Future<JsonNode> detected = pool.submit(() -> call("/api/v1/vision/detect", Map.of("path", photo)));
        String text = call("/api/v1/ocr/extract", Map.of("path", photo)).path("text").asString();
        JsonNode objects = detected.get().path("objects");
        String description = call("/api/v1/llm/describe", Map.of("objects", objects, "text", text))
                .path("description").asString();
        return imageOutcome(json.createObjectNode().put("text", text).put("description", description).set("objects", objects));
    }

    /** One synchronous call: its {@code data}, after checking it answered 200. */
    private JsonNode call(String path, Map<String, Object> body) {
        ApiClient.Response response = api.postJson(path, json.writeValueAsString(body));
        assertThat(response.status()).as(path + " " + response.body()).isEqualTo(200);
        return response.json().path("data");
    }

    // --- the pipeline through REST ------------------------------------------------------------------------------

    private record PipelineRun(double wallMs, double leadMs, double busyMs, double gapsMs, double tailMs,
                               double taskSumMs, JsonNode record, JsonNode tasks) {
    }

    private PipelineRun pipeline(EventClock clock, Subject subject, Timings timings, Timings queueWaits) throws Exception {
        Instant postedAt = Instant.now();
        long start = System.nanoTime();
        ApiClient.Response response = api.postJson("/api/v1/pipelines/" + subject.pipeline(), subject.input().toString());
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        String chainId = response.json().path("data").path("chain_id").asString();
        EventClock.End end = clock.awaitEnd(chainId, RUN);
        double wallMs = (end.nanoTime() - start) / 1e6;
        assertThat(end.status()).as("pipeline %s %s", subject.pipeline(), chainId).isEqualTo("SUCCESS");

        // the end event may go out before the commit that stores it (events first when idle): wait for the record
        JsonNode record = pipelines.awaitEnd(chainId);
        JsonNode taskRecords = pipelines.tasks(chainId);
        List<Instant[]> intervals = new ArrayList<>();
        double taskSumMs = 0;
        for (JsonNode task : taskRecords) {
            assertThat(task.path("state").asString()).as(task.toString()).isEqualTo("SUCCESS");
            Instant started = Instant.parse(task.path("started_at").asString());
            Instant finished = Instant.parse(task.path("finished_at").asString());
            double ms = millis(started, finished);
            timings.add(task.path("name").asString(), ms);
            if (task.hasNonNull("queued_at")) {
                queueWaits.add(task.path("name").asString(), millis(Instant.parse(task.path("queued_at").asString()), started));
            }
            taskSumMs += ms;
            intervals.add(new Instant[] {started, finished});
        }
        intervals.sort(Comparator.comparing((Instant[] interval) -> interval[0]));
        double busyMs = 0;
        Instant busyFrom = intervals.get(0)[0];
        Instant busyTo = intervals.get(0)[1];
        for (Instant[] interval : intervals) {
            if (interval[0].isAfter(busyTo)) {
                busyMs += millis(busyFrom, busyTo);
                busyFrom = interval[0];
            }
            busyTo = interval[1].isAfter(busyTo) ? interval[1] : busyTo;
        }
        busyMs += millis(busyFrom, busyTo);
        double leadMs = millis(postedAt, intervals.get(0)[0]);
        double tailMs = millis(busyTo, end.at());
        if (Boolean.getBoolean("bench.timeline")) {
            printTimeline(subject.pipeline(), postedAt, taskRecords);
        }
        double gapsMs = millis(intervals.get(0)[0], busyTo) - busyMs;
        return new PipelineRun(wallMs, leadMs, busyMs, gapsMs, tailMs, taskSumMs, record, taskRecords);
    }

    /** One line per run: each task's queue, start and end in ms from the request (to see where a run waited). */
    private static void printTimeline(String pipeline, Instant postedAt, JsonNode taskRecords) {
        StringBuilder line = new StringBuilder("timeline ").append(pipeline);
        for (JsonNode task : taskRecords) {
            JsonNode queued = task.path("queued_at");
            line.append(String.format(Locale.ROOT, " | %s %s queued %s started %.1f finished %.1f", task.path("name").asString(),
                    task.path("node").asString(), queued.isNull() || queued.isMissingNode() ? "-"
                            : String.format(Locale.ROOT, "%.1f", millis(postedAt, Instant.parse(queued.asString()))),
                    millis(postedAt, Instant.parse(task.path("started_at").asString())),
                    millis(postedAt, Instant.parse(task.path("finished_at").asString()))));
        }
        System.out.println(line);
    }

    private static Outcome documentOutcome(PipelineRun run) {
        // the OCR text is the result of ocr.merge_pages, step 2 of the chain
        String text = null;
        for (JsonNode task : run.tasks()) {
            if (task.path("node").asString().equals("2")) {
                text = task.path("result").path("text").asString();
            }
        }
        return new Outcome(text, List.of(), run.record().path("result").path("summary").asString());
    }

    /** From the result of {@code pipeline.merge_image_analysis}, the pipeline's result. */
    private static Outcome imageOutcome(JsonNode result) {
        List<String> labels = new ArrayList<>();
        result.path("objects").forEach(o -> labels.add(o.path("label").asString()));
        return new Outcome(result.path("text").asString(), labels, result.path("description").asString());
    }

    // --- measuring ----------------------------------------------------------------------------------------------

    /** Warm-ups, then the four ways in turn per round (so a busy neighbour slows all alike); one summary line and one line per task. */
    private List<String> measure(EventClock clock, Subject subject, int runs) throws Exception {
        for (int i = 0; i < WARMUP; i++) {
            subject.direct().run(subject.input(), new Timings(), false);
            subject.direct().run(subject.input(), new Timings(), true);
            subject.endpoints().call();
            pipeline(clock, subject, new Timings(), new Timings());
        }
        Timings sequentialTasks = new Timings();
        Timings parallelTasks = new Timings();
        Timings pipelineTasks = new Timings();
        Timings queueWaits = new Timings();
        double[] sequential = new double[runs];
        double[] parallel = new double[runs];
        double[] byEndpoints = new double[runs];
        List<PipelineRun> pipelineRuns = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            Outcome one = subject.direct().run(subject.input(), sequentialTasks, false);
            sequential[i] = (System.nanoTime() - start) / 1e6;
            start = System.nanoTime();
            Outcome two = subject.direct().run(subject.input(), parallelTasks, true);
            parallel[i] = (System.nanoTime() - start) / 1e6;
            start = System.nanoTime();
            Outcome three = subject.endpoints().call();
            byEndpoints[i] = (System.nanoTime() - start) / 1e6;
            PipelineRun run = pipeline(clock, subject, pipelineTasks, queueWaits);
            pipelineRuns.add(run);

            Outcome engine = subject.outcome().apply(run);
            assertThat(one.text()).as("OCR text").isNotBlank();
            assertThat(one.answer()).as("summary or description").isNotBlank();
            assertThat(two).isEqualTo(one);
            // the same OCR text and objects; the answer may differ: /llm/describe is given the photo's
            // text as it is, where the pipeline's describe step leaves out text read with low confidence
            assertThat(three.text()).as("the endpoints' OCR text against the direct one").isEqualTo(one.text());
            assertThat(three.labels()).as("the endpoints' objects against the direct ones").isEqualTo(one.labels());
            assertThat(three.answer()).as("the endpoints' summary or description").isNotBlank();
            assertThat(engine).as("the pipeline's result against the direct one").isEqualTo(one);
        }

        double[] wall = values(pipelineRuns, PipelineRun::wallMs);
        double pipelineP50 = percentile(wall, 50);
        double directP50 = percentile(parallel, 50);
        double endpointsP50 = percentile(byEndpoints, 50);
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "{\"case\": \"%s\", \"runs\": %d, \"tasks\": %d, "
                        + "\"direct_sequential_p50_ms\": %.1f, \"direct_sequential_p95_ms\": %.1f, "
                        + "\"direct_parallel_p50_ms\": %.1f, \"direct_parallel_p95_ms\": %.1f, "
                        + "\"endpoints_p50_ms\": %.1f, \"endpoints_p95_ms\": %.1f, "
                        + "\"pipeline_p50_ms\": %.1f, \"pipeline_p95_ms\": %.1f, "
                        + "\"overhead_p50_ms\": %.1f, \"overhead_p50_pct\": %.1f, \"overhead_vs_endpoints_p50_pct\": %.1f, "
                        + "\"pipeline_task_sum_p50_ms\": %.1f, \"pipeline_task_busy_p50_ms\": %.1f, \"pipeline_lead_p50_ms\": %.1f, "
                        + "\"pipeline_gaps_p50_ms\": %.1f, \"pipeline_tail_p50_ms\": %.1f, \"pipeline_not_busy_p50_ms\": %.1f}",
                subject.pipeline(), runs, pipelineRuns.get(0).tasks().size(),
                percentile(sequential, 50), percentile(sequential, 95), directP50, percentile(parallel, 95),
                endpointsP50, percentile(byEndpoints, 95),
                pipelineP50, percentile(wall, 95), pipelineP50 - directP50, 100 * (pipelineP50 - directP50) / directP50,
                100 * (pipelineP50 - endpointsP50) / endpointsP50,
                percentile(values(pipelineRuns, PipelineRun::taskSumMs), 50), percentile(values(pipelineRuns, PipelineRun::busyMs), 50),
                percentile(values(pipelineRuns, PipelineRun::leadMs), 50), percentile(values(pipelineRuns, PipelineRun::gapsMs), 50),
                percentile(values(pipelineRuns, PipelineRun::tailMs), 50),
                percentile(values(pipelineRuns, r -> r.wallMs() - r.busyMs()), 50)));
        for (String task : pipelineTasks.names()) {
            lines.add(String.format(Locale.ROOT, "{\"case\": \"%s/task\", \"task\": \"%s\", \"per_run\": %d, "
                            + "\"direct_sequential_p50_ms\": %.1f, \"direct_parallel_p50_ms\": %.1f, \"pipeline_p50_ms\": %.1f, "
                            + "\"pipeline_queue_wait_p50_ms\": %.1f}",
                    subject.pipeline(), task, pipelineTasks.count(task) / runs, sequentialTasks.p50(task), parallelTasks.p50(task),
                    pipelineTasks.p50(task), queueWaits.p50(task)));
        }
        return lines;
    }

    /** Milliseconds per task name, from any thread. */
    private static final class Timings {
        private final Map<String, List<Double>> byTask = new ConcurrentHashMap<>();

        void add(String task, double ms) {
            byTask.computeIfAbsent(task, t -> Collections.synchronizedList(new ArrayList<>())).add(ms);
        }

        List<String> names() {
            return byTask.keySet().stream().sorted().toList();
        }

        int count(String task) {
            return byTask.getOrDefault(task, List.of()).size();
        }

        /** NaN when the task never ran this way (e.g. no queue wait recorded). */
        double p50(String task) {
            List<Double> values = byTask.get(task);
            return values == null ? Double.NaN : percentile(values.stream().mapToDouble(Double::doubleValue).toArray(), 50);
        }
    }

    private static double[] values(List<PipelineRun> runs, ToDoubleFunction<PipelineRun> value) {
        return runs.stream().mapToDouble(value).toArray();
    }

    /** Nearest rank, as the engine benchmark. */
    private static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
    }

    private static double millis(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    /** Stamps the moment each pipeline's terminal event arrives on {@code ai.pipeline.events}. */
    private static final class EventClock implements AutoCloseable {

        record End(String status, long nanoTime, Instant at) {
        }

        private final Map<String, CompletableFuture<End>> ends = new ConcurrentHashMap<>();
        private final PipelineEndEvents events;

        EventClock(String bootstrap) {
            events = new PipelineEndEvents(bootstrap, (event, status, arrivedNanos, arrivedAt) ->
                    future(event.path("chain_id").asString()).complete(new End(status, arrivedNanos, arrivedAt)));
        }

        private CompletableFuture<End> future(String chainId) {
            return ends.computeIfAbsent(chainId, id -> new CompletableFuture<>());
        }

        End awaitEnd(String chainId, Duration atMost) throws Exception {
            return future(chainId).get(atMost.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            events.close();
        }
    }
}
