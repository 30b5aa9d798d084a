package ai.pipeline.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.pipeline.orchestration.live.LiveEvents;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The dashboard in a real browser (Debian's headless chromium driven by Selenium) against the real
 * application: the list, a pipeline's timeline with a retry, retry of a failed pipeline, cancel of a
 * running one, and an API error shown to the user. Screenshots go to {@code target/screenshots/}.
 */
@AppTest
class DashboardIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static final String RETRYING_CHAIN = """
            {"chain": [{"task": "core.echo"},
                       {"task": "core.fail", "args": {"times": 1}, "retry": {"max": 3, "backoff_ms": 300}},
                       {"task": "core.sleep", "args": {"ms": 1500}}]}""";
    private static final String FAILING_ONCE = """
            {"chain": [{"task": "core.echo"}, {"task": "core.fail", "args": {"times": 1}, "retry": {"max": 1}}]}""";
    private static final String LONG_SLEEP = """
            {"chain": [{"task": "core.sleep", "args": {"ms": 20000}}]}""";
    private static final String SLEEP_THEN_ECHO = """
            {"chain": [{"task": "core.sleep", "args": {"ms": 20000}}, {"task": "core.echo"}]}""";

    /** An echo, then a fail that fails once and is retried: a task with arguments, a long input, two attempts. */
    private static final String STORY_CHAIN = """
            {"chain": [{"task": "core.echo", "args": {"note": "first"}},
                       {"task": "core.fail", "args": {"times": 1}, "retry": {"max": 2, "backoff_ms": 200}}]}""";
    private static final String FAILS_FOR_GOOD = """
            {"chain": [{"task": "core.fail", "args": {"retryable": false}}]}""";

    /**
     * A map of five, then a chord whose second member (a chain) fails for good after a pause, so the
     * first member has succeeded by then rather than being revoked: the body never runs.
     */
    private static final String MAP_THEN_FAILING_CHORD = """
            {"chain": [{"map": {"items": "pages", "task": {"task": "core.echo"}}},
                       {"chord": {"header": [{"task": "core.echo"},
                                             {"chain": [{"task": "core.sleep", "args": {"ms": 2000}},
                                                        {"task": "core.fail", "args": {"times": 1, "retryable": false}}]}],
                                  "body": {"task": "core.echo"}}}]}""";

    @LocalServerPort
    int port;

    @Autowired
    LiveEvents live;

    private Pipelines pipelines;
    private Path profile;
    private ChromeDriver browser;

    /** Runs before @AfterEach closes the browser: the page as it was when the test failed. */
    @RegisterExtension
    final AfterTestExecutionCallback screenshotOnFailure = context -> {
        if (context.getExecutionException().isPresent() && browser != null) {
            screenshot("dashboard-failure.png");
        }
    };

    @BeforeEach
    void openBrowser() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM),
                "skipped: Debian's chromium is not installed at /usr/bin/chromium (bin/setup --test installs it)");
        assertThat(CHROMEDRIVER).as("Debian's chromium-driver (bin/setup --test installs it)").isExecutable();
        pipelines = new Pipelines(new ApiClient(port));
        profile = Files.createTempDirectory("dashboard-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1400,1000");
        // the driver named explicitly: Selenium Manager would otherwise try to download one
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void followsAPipelineWithARetryOnItsTimelineThenRetriesAFailedOneAndCancelsARunningOne() throws IOException {
        String retrying = pipelines.run(RETRYING_CHAIN, "{\"document\": \"contract.pdf\"}");
        browser.get("http://127.0.0.1:" + port + "/");
        assertThat(browser.getCurrentUrl()).endsWith("/dashboard/");
        awaitLive();

        open(retrying);
        awaitStatus(retrying, "SUCCESS");
        assertThat(attribute("#timeline tbody tr", "data-state", 3)).containsExactly("SUCCESS", "SUCCESS", "SUCCESS");
        assertThat(text("#timeline tbody tr .task-name")).containsExactly("core.echo", "core.fail", "core.sleep");
        // the retried task: a failed attempt, then the one that succeeded, each its own segment
        assertThat(attribute("#timeline tr[data-node='1'] .seg[data-kind='attempt']", "data-outcome", 2))
                .containsExactly("RETRY", "SUCCESS");
        assertThat(browser.findElement(By.cssSelector("#timeline tr[data-node='1'] .seg[data-outcome='RETRY']"))
                .getDomAttribute("title")).contains("attempt 1 of 3", "failing on purpose");
        List<Integer> attemptWidths = browser.findElements(By.cssSelector("#timeline .seg[data-kind='attempt']")).stream()
                .map(bar -> bar.getSize().getWidth()).toList();
        assertThat(attemptWidths).as("bar widths of echo, fail (2 attempts), sleep").hasSize(4);
        assertThat(attemptWidths.subList(0, 3)).as("shorter than the 1.5 s sleep's %s px", attemptWidths.get(3))
                .allMatch(width -> width < attemptWidths.get(3));
        // the timeline is drawn again as the run's events arrive: a link found may be gone when clicked
        afresh(() -> browser.findElement(By.cssSelector("#timeline tr[data-node='1'] .task-link")).click());
        // the panel is drawn at once and again when the task's story has been read
        await().atMost(PATIENCE).ignoreExceptions().until(() -> text("#task-detail .attempts tbody tr"), rows -> rows.size() == 2);
        screenshot("dashboard-retry.png");
        String failing = pipelines.run(FAILING_ONCE, "{}");
        pipelines.awaitEnd(failing);
        open(failing);
        awaitStatus(failing, "FAILURE");
        afresh(() -> assertThat(browser.findElement(By.id("detail-error")).getText()).contains("Failed at node 1", "failing on purpose"));
        browser.findElement(By.id("retry")).click();
        awaitStatus(failing, "SUCCESS");
        assertThat(attribute("#timeline tr[data-node='1'] .seg[data-kind='attempt']", "data-outcome", 2))
                .containsExactly("FAILURE", "SUCCESS");
        String sleeping = pipelines.run(LONG_SLEEP, "{}");
        open(sleeping);
        awaitStatus(sleeping, "RUNNING");
        await().atMost(PATIENCE).until(() -> !browser.findElements(By.cssSelector("#timeline .seg[data-outcome='RUNNING']")).isEmpty());
        String runningFor = browser.findElement(By.id("detail-duration")).getText();
        await().atMost(PATIENCE).ignoreExceptions()
                .until(() -> !browser.findElement(By.id("detail-duration")).getText().equals(runningFor));
        browser.findElement(By.id("cancel")).click();
        awaitStatus(sleeping, "CANCELLED");
        await().atMost(PATIENCE).ignoreExceptions().until(() -> attribute("#timeline tbody tr", "data-state", 1),
                states -> states.equals(List.of("REVOKED")));
        await().atMost(PATIENCE).ignoreExceptions().until(() -> browser.findElement(listRow(sleeping))
                .getDomAttribute("data-status").equals("CANCELLED"));
        assertThat(browser.findElement(By.id("message")).getText()).contains("Cancelled");
        assertThat(pipelines.pipeline(sleeping).path("status").asString()).isEqualTo("CANCELLED");
        screenshot("dashboard-cancelled.png");

        // revoke one task from its story: the chain stops there and the run fails naming it
        String revoking = pipelines.run(SLEEP_THEN_ECHO, "{}");
        open(revoking);
        awaitStatus(revoking, "RUNNING");
        await().atMost(PATIENCE).ignoreExceptions().until(() -> {
            browser.findElement(By.cssSelector("#timeline tr[data-node='0'] .task-link")).click();
            return browser.findElement(By.cssSelector("#task-detail button.revoke-task")).isEnabled();
        });
        afresh(() -> assertThat(browser.findElement(By.cssSelector("#task-detail button.retry-from")).isEnabled()).isFalse());
        // the story is drawn again at each of the run's events: a click on the button it just replaced is retried
        await().atMost(PATIENCE).ignoreExceptions().until(() -> {
            browser.findElement(By.cssSelector("#task-detail button.revoke-task")).click();
            return true;
        });
        awaitStatus(revoking, "FAILURE");
        afresh(() -> assertThat(browser.findElement(By.id("detail-error")).getText()).contains("revoked"));
        await().atMost(PATIENCE).ignoreExceptions().until(() -> attribute("#timeline tbody tr", "data-state", 2),
                states -> states.equals(List.of("REVOKED", "REVOKED")));
        await().atMost(PATIENCE).ignoreExceptions().until(() -> browser.findElement(
                By.cssSelector("#task-detail button.retry-from")).isEnabled());
        afresh(() -> assertThat(browser.findElement(By.cssSelector("#task-detail button.revoke-task")).isEnabled()).isFalse());
        assertThat(browser.findElement(By.id("message")).getText()).contains("Revoked task 0");

        // an API error reaches the user with the API's own message
        browser.findElement(By.cssSelector("#start summary")).click();
        WebElement canvas = browser.findElement(By.id("start-canvas"));
        canvas.clear();
        canvas.sendKeys("{\"task\": \"no.such_task\"}");
        browser.findElement(By.cssSelector("#start-form button[type='submit']")).click();
        await().atMost(PATIENCE).until(() -> browser.findElement(By.id("message")).getText(),
                message -> message.contains("no.such_task") && message.contains("400"));
    }

    @Test
    void drawsARunsOnFailureCanvasBelowItsCanvas() {
        String failed = pipelines.run("""
                {"chain": [{"task": "core.echo"}, {"task": "core.fail", "args": {"retryable": false}}],
                 "on_failure": {"task": "core.echo", "args": {"note": "compensate"}}}""", "{}");
        pipelines.awaitEnd(failed);
        browser.get("http://127.0.0.1:" + port + "/dashboard/#/pipelines/" + failed);
        awaitStatus(failed, "FAILURE");

        afresh(() -> {
            WebElement handler = graphNode("on_failure.0");
            assertThat(handler.getDomAttribute("data-state")).isEqualTo("SUCCESS");
            assertThat(graphNode("1").getDomAttribute("data-failed")).isEqualTo("true");
            assertThat(browser.findElement(By.cssSelector("#graph .on-failure-label")).getText()).isEqualTo("on failure");
            assertThat(handler.getRect().getY()).as("below the canvas").isGreaterThan(graphNode("1").getRect().getY());
        });
    }

    @Test
    void drawsARunsCanvasWithItsFoldedMapItsChordJoinAndTheNodeWhereItFailedAndEachPipelinesDefinition() throws IOException {
        String failed = pipelines.run(MAP_THEN_FAILING_CHORD, "{\"pages\": [1, 2, 3, 4, 5]}");
        pipelines.awaitEnd(failed);
        browser.get("http://127.0.0.1:" + port + "/dashboard/#/pipelines/" + failed);
        awaitStatus(failed, "FAILURE");

        // the page draws the canvas again whenever it reads the run again, so each check finds its nodes afresh
        afresh(() -> {
            WebElement map = browser.findElement(By.cssSelector("#graph .gnode[data-kind='map'][data-node='0']"));
            assertThat(map.getDomAttribute("data-members")).isEqualTo("5");
            assertThat(map.getDomAttribute("data-state")).isEqualTo("SUCCESS");
            assertThat(map.getText()).contains("core.echo", "× 5", "5 succeeded");
            assertThat(graphNode("1.h0").getDomAttribute("data-state")).isEqualTo("SUCCESS");
            assertThat(graphNode("1.h1.0").getDomAttribute("data-state")).isEqualTo("SUCCESS");
            WebElement failing = graphNode("1.h1.1");
            assertThat(failing.getDomAttribute("data-state")).isEqualTo("FAILURE");
            assertThat(failing.getDomAttribute("data-failed")).isEqualTo("true");
            // the run failed at the chord (node 1) because of its member's task 1.h1.1: both marked, nothing else
            assertThat(browser.findElements(By.cssSelector("#graph [data-failed='true']")).stream()
                    .map(node -> node.getDomAttribute("data-kind") + " " + node.getDomAttribute("data-node")).toList())
                    .containsExactlyInAnyOrder("task 1.h1.1", "join 1");
            assertThat(graphNode("1.body").getDomAttribute("data-state")).as("the body of a failed chord").isIn("NOT_RUN", "REVOKED");
            assertThat(browser.findElements(By.cssSelector("#graph .gnode[data-kind='join']")).stream()
                    .map(join -> join.getDomAttribute("data-join") + " " + join.getDomAttribute("data-node") + " "
                            + join.getDomAttribute("data-state")).toList())
                    .containsExactlyInAnyOrder("map 0 SUCCESS", "chord 1 FAILURE");
            // every edge ends where a node is: map fork→box→join (2), →chord (1), echo member (2), chain member (3), join→body (1)
            assertThat(browser.findElements(By.cssSelector("#graph .edge"))).hasSize(9);
        });
        afresh(() -> graphNode("1.h1.1").click());
        await().atMost(PATIENCE).ignoreExceptions().until(() -> browser.findElement(By.cssSelector("#task-detail h4")).getText(),
                heading -> heading.contains("core.fail") && heading.contains("FAILURE"));
        afresh(() -> assertThat(graphNode("1.h1.1").getDomAttribute("class")).contains("selected"));
        screenshot("dashboard-canvas.png");

        // pushed, not polled: with nothing happening the page reads nothing. First the page is live: its
        // stream's ready (sent once the process reads the events for it, which can take a moment when no
        // stream was open) makes it read everything once
        awaitLive();
        long reads = await().atMost(PATIENCE).until(this::settledApiReads, settled -> settled >= 0);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() -> apiReads() == reads);
        // the server ends the stream: the page says so, reconnects, and catches up with what it missed
        live.disconnectAll();
        await().atMost(PATIENCE).until(() -> browser.findElement(By.id("live")).getDomAttribute("data-disconnects") != null);
        String missed = pipelines.run("{\"task\": \"core.echo\"}", "{}");
        awaitLive();
        await().atMost(PATIENCE).until(() -> !browser.findElements(listRow(missed)).isEmpty());

        browser.findElement(By.id("nav-definitions")).click();
        WebElement aiPipeline = await().atMost(PATIENCE).ignoreExceptions().until(() -> browser.findElement(
                By.cssSelector("#definitions .definition[data-pipeline='ai-pipeline']")), WebElement::isDisplayed);
        assertThat(browser.findElement(By.id("runs-view")).isDisplayed()).isFalse();
        assertThat(aiPipeline.findElements(By.cssSelector(".stage")).stream().map(s -> s.getDomAttribute("data-stage")).toList())
                .as("the AI pipeline's stages over its steps").hasSize(4).doesNotContainNull();
        assertThat(aiPipeline.findElements(By.cssSelector(".gnode[data-kind='task']"))).isNotEmpty()
                .allMatch(node -> "NOT_RUN".equals(node.getDomAttribute("data-state")));
        WebElement document = browser.findElement(By.cssSelector("#definitions .definition[data-pipeline='document']"));
        assertThat(document.findElements(By.cssSelector(".gnode[data-kind='map']"))).hasSize(1)
                .allSatisfy(folded -> assertThat(folded.getText()).contains("ocr.extract_page", "× n", "map · pages"));
        assertThat(document.getText()).contains("POST /api/v1/pipelines/document", "document_path");
        screenshot("dashboard-definitions.png");

        browser.findElement(By.id("nav-workers")).click();
        // the rows are read again as events arrive: each check reads a row afresh
        await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
            WebElement echoQueue = browser.findElement(By.cssSelector("#queue-rows tr[data-task='core.echo']"));
            assertThat(echoQueue.getText()).contains("ai.tasks.core.echo", "worker-core");
            assertThat(Integer.parseInt(echoQueue.getDomAttribute("data-consumers"))).isPositive();
        });
        await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> assertThat(
                browser.findElement(By.cssSelector("#worker-rows tr")).getText()).contains("orchestrator", "worker-core", "core.echo"));
        screenshot("dashboard-workers.png");
    }

    @Test
    void findsRunsByAQueryTheAddressHoldsAndShowsWhatIsWrongWithABadOne() throws IOException {
        String failed = pipelines.run(FAILING_ONCE, "{}");
        String succeeded = pipelines.run("{\"task\": \"core.echo\"}", "{}");
        pipelines.awaitEnd(failed);
        pipelines.awaitEnd(succeeded);

        // a shared address: several statuses and the start of a chain id
        browser.get("http://127.0.0.1:" + port + "/dashboard/?status=FAILURE,CANCELLED&chain_id=" + failed.substring(0, 8));
        await().atMost(PATIENCE).ignoreExceptions().until(() -> rowIds(), ids -> ids.equals(List.of(failed)));
        assertThat(browser.findElements(By.cssSelector("#filter-statuses input:checked")).stream()
                .map(box -> box.getDomAttribute("value")).toList()).containsExactly("FAILURE", "CANCELLED");
        assertThat(browser.findElement(By.id("filter-chain")).getDomProperty("value")).isEqualTo(failed.substring(0, 8));

        // changed on the page: the address follows
        WebElement chain = browser.findElement(By.id("filter-chain"));
        chain.clear();
        chain.sendKeys(succeeded);
        browser.findElement(By.cssSelector("#filter-statuses input[value='FAILURE']")).click();
        browser.findElement(By.cssSelector("#filter-statuses input[value='SUCCESS']")).click();
        chooseSource("rest");
        await().atMost(PATIENCE).ignoreExceptions().until(() -> rowIds(), ids -> ids.equals(List.of(succeeded)));
        await().atMost(PATIENCE).until(browser::getCurrentUrl, url -> url.contains("chain_id=" + succeeded)
                && url.contains("status=SUCCESS%2CCANCELLED") && url.contains("source=rest"));
        screenshot("dashboard-search.png");
        chooseSource("kafka");
        await().atMost(PATIENCE).until(() -> browser.findElement(By.id("list-empty")).isDisplayed());

        // the API's 400 names the parameter, and the page says so
        browser.get("http://127.0.0.1:" + port + "/dashboard/?chain_id=not_an_id");
        await().atMost(PATIENCE).until(() -> browser.findElement(By.id("message")).getText(),
                message -> message.contains("chain_id must be") && message.contains("400"));
    }

    @Test
    void tellsATasksStoryReRunsARunAndShowsWorkerProcessesDeadLettersAndCharts() throws IOException {
        String story = pipelines.run(STORY_CHAIN, "{\"text\": \"" + "x".repeat(3000) + "\"}");
        String dead = pipelines.run(FAILS_FOR_GOOD, "{}");
        browser.get("http://127.0.0.1:" + port + "/dashboard/#/pipelines/" + story);
        awaitStatus(story, "SUCCESS");

        // a task's story: its arguments, its input abbreviated until asked for all, its result, each attempt
        // (the timeline is drawn again as the run's events arrive: a link found may be gone when clicked)
        afresh(() -> browser.findElement(By.cssSelector("#timeline tr[data-node='1'] .task-link")).click());
        afresh(() -> {
            assertThat(browser.findElement(By.cssSelector("#task-detail pre[aria-label='Task input']"))
                    .getDomAttribute("data-abbreviated")).isEqualTo("true");
            assertThat(browser.findElement(By.cssSelector("#task-detail pre[aria-label='Task arguments']")).getText())
                    .contains("\"times\": 1");
            assertThat(browser.findElement(By.cssSelector("#task-detail pre[aria-label='Task result']")).getText())
                    .contains("\"attempt\": 2");
            assertThat(text("#task-detail .attempts tbody tr")).hasSize(2);
            assertThat(text("#task-detail .attempts tbody td.worker")).allMatch(worker -> worker.contains("/"));
        });
        afresh(() -> browser.findElement(By.cssSelector("#task-detail .show-all")).click());
        await().atMost(PATIENCE).ignoreExceptions().until(() -> browser.findElement(
                By.cssSelector("#task-detail pre[aria-label='Task input']")).getDomAttribute("data-abbreviated"), "false"::equals);
        assertThat(browser.findElement(By.cssSelector("#task-detail pre[aria-label='Task input']")).getText())
                .contains("x".repeat(3000));
        screenshot("dashboard-task-story.png");

        // re-run the finished run: the page shows the new run
        browser.findElement(By.id("rerun")).click();
        await().atMost(PATIENCE).ignoreExceptions().until(() -> browser.findElement(By.id("detail")).getDomAttribute("data-chain-id"),
                id -> id != null && !id.equals(story));
        String rerun = browser.findElement(By.id("detail")).getDomAttribute("data-chain-id");
        awaitStatus(rerun, "SUCCESS");
        assertThat(pipelines.pipeline(rerun).path("rerun_of").asString()).isEqualTo(story);

        // worker processes: one runs the sleep now, and has done tasks in the last minutes
        String sleeping = pipelines.run("{\"task\": \"core.sleep\", \"args\": {\"ms\": 8000}}", "{}");
        browser.findElement(By.id("nav-workers")).click();
        await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
            browser.findElement(By.id("workers-refresh")).click();
            WebElement running = browser.findElement(By.cssSelector("#process-rows tr .running li[data-chain-id='" + sleeping + "']"));
            assertThat(running.getText()).contains("core.sleep", "0 of " + sleeping.substring(0, 8));
        });
        assertThat(browser.findElements(By.cssSelector("#process-rows tr")).stream()
                .mapToInt(row -> Integer.parseInt(row.getDomAttribute("data-done"))).sum()).isPositive();
        browser.executeScript("document.getElementById('workers-title').scrollIntoView()");
        screenshot("dashboard-worker-processes.png");

        // dead letters: the task that failed for good, with its reason, and a replay
        pipelines.awaitEnd(dead);
        browser.findElement(By.id("nav-dead-letters")).click();
        By letter = By.cssSelector("#dead-letter-rows tr[data-chain-id='" + dead + "']");
        await().atMost(PATIENCE).ignoreExceptions().until(() -> {
            browser.findElement(By.id("dead-letters-refresh")).click();
            return !browser.findElements(letter).isEmpty();
        });
        // the rows are drawn again when other dead letters arrive: each check reads the row afresh
        await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
            assertThat(browser.findElement(letter).getDomAttribute("data-reason")).isEqualTo("invalid_input");
            assertThat(browser.findElement(letter).getText()).contains("ai.tasks.dead-letter", "core.fail", "failing on purpose");
        });
        screenshot("dashboard-dead-letters.png");
        await().atMost(PATIENCE).ignoreExceptions().until(() -> {
            browser.findElement(letter).findElement(By.cssSelector("button.replay")).click();
            return true;
        });
        await().atMost(PATIENCE).until(() -> browser.findElement(By.id("message")).getText(),
                message -> message.contains("Replayed") && message.contains("ai.tasks.core.fail"));

        // charts drawn by the page from GET /api/v1/stats
        browser.findElement(By.id("nav-charts")).click();
        await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
            assertThat(browser.findElements(By.cssSelector("#chart-throughput rect.bar"))).isNotEmpty();
            assertThat(browser.findElements(By.cssSelector("#chart-durations path.line[data-quantile='p95']"))).isNotEmpty();
            assertThat(browser.findElements(By.cssSelector("#chart-tasks .row")).stream()
                    .map(row -> row.getDomAttribute("data-label"))).anyMatch(label -> label.startsWith("core.fail"));
            assertThat(browser.findElements(By.cssSelector("#chart-failures .row")).stream()
                    .map(row -> row.getDomAttribute("data-label"))).contains("invalid_input", "error");
        });
        screenshot("dashboard-charts.png");
    }

    private void chooseSource(String source) {
        browser.findElement(By.xpath("//select[@id='filter-source']/option[text()='" + source + "']")).click();
    }

    private List<String> rowIds() {
        return browser.findElements(By.cssSelector("#pipeline-rows tr")).stream()
                .map(row -> row.getDomAttribute("data-chain-id")).toList();
    }

    private void awaitLive() {
        await().atMost(PATIENCE).ignoreExceptions()
                .until(() -> browser.findElement(By.id("live")).getDomAttribute("data-state"), "connected"::equals);
    }

    /** The page's API calls once none came for half a second, or -1 while they still come. */
    private long settledApiReads() throws InterruptedException {
        long before = apiReads();
        Thread.sleep(500);
        return apiReads() == before ? before : -1;
    }

    /** How many API calls the page has made (the browser's resource timing entries). */
    private long apiReads() {
        return (Long) browser.executeScript(
                "return performance.getEntriesByType('resource').filter(e => e.name.includes('/api/v1/pipelines')).length");
    }

    /**
     * Runs checks of a run's detail until they pass: the page draws its canvas and task story anew each time it
     * reads the run, so an element found a moment ago may be gone (stale) by the time it is read.
     */
    private void afresh(ThrowingRunnable checks) {
        await().atMost(PATIENCE).ignoreExceptionsMatching(e -> e instanceof StaleElementReferenceException
                || e instanceof NoSuchElementException).untilAsserted(checks);
    }

    private WebElement graphNode(String node) {
        return browser.findElement(By.cssSelector("#graph .gnode[data-kind='task'][data-node='" + node + "']"));
    }

    /** Waits for the pipeline to show up in the list, then opens it by clicking its row. */
    private void open(String chainId) {
        await().atMost(PATIENCE).ignoreExceptions().until(() -> {
            browser.findElement(listRow(chainId)).click();
            return chainId.equals(browser.findElement(By.id("detail")).getDomAttribute("data-chain-id"));
        });
    }

    private void awaitStatus(String chainId, String status) {
        await().atMost(PATIENCE).ignoreExceptionsMatching(e -> e instanceof StaleElementReferenceException
                        || e instanceof NoSuchElementException)
                .until(() -> {
                    WebElement detail = browser.findElement(By.id("detail"));
                    return chainId.equals(detail.getDomAttribute("data-chain-id"))
                            && status.equals(detail.getDomAttribute("data-status"))
                            && status.equals(browser.findElement(By.id("detail-status")).getText());
                });
    }

    private static By listRow(String chainId) {
        return By.cssSelector("#pipeline-rows tr[data-chain-id='" + chainId + "']");
    }

    /** The attribute of every element matching css, once there are as many as expected. */
    private List<String> attribute(String css, String attribute, int expected) {
        return await().atMost(PATIENCE).ignoreExceptions()
                .until(() -> browser.findElements(By.cssSelector(css)).stream().map(e -> e.getDomAttribute(attribute)).toList(),
                        values -> values.size() == expected);
    }

    private List<String> text(String css) {
        return browser.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
    }

    private void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
    }
}
