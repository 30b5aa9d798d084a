package ai.pipeline.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.orchestration.PipelineService;
import ai.pipeline.orchestration.canvas.CanvasJson;
import ai.pipeline.orchestration.engine.PipelineEngine;
import ai.pipeline.orchestration.store.HistoryFilter;
import ai.pipeline.orchestration.store.PipelineStatus;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

/**
 * Opt-in ({@code -Ddashboard.scale=true}; minutes of CPU, so not in the default suite): the page with
 * 10,000 runs in history and a run of a 500-member map, all run by the real engine with core.echo,
 * measured in headless Chromium. Prints the load times; docs/operations.md (Dashboard) quotes them.
 */
@AppTest
@EnabledIfSystemProperty(named = "dashboard.scale", matches = "true")
class DashboardScaleIT {

    private static final int RUNS = 10_000;
    private static final int BATCH = 500;
    private static final int MEMBERS = 500;
    private static final Duration SEEDING = Duration.ofMinutes(15);

    @LocalServerPort
    int port;

    @Autowired
    PipelineService service;

    @Autowired
    CanvasJson canvasJson;

    @Autowired
    JsonMapper json;

    @Test
    void listAndRunPagesLoadQuicklyWithTenThousandRunsAndAFiveHundredMemberMap() throws Exception {
        long seedStart = System.nanoTime();
        var echo = canvasJson.parse("{\"task\": \"core.echo\"}");
        for (int sent = 0; sent < RUNS; sent += BATCH) {
            List<PipelineEngine.StartRequest> batch = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                batch.add(service.requestFor(echo, json.readTree("{\"n\": " + (sent + i) + "}"), null, "rest"));
            }
            service.startAll(batch);
        }
        HistoryFilter done = new HistoryFilter(null, EnumSet.of(PipelineStatus.SUCCESS), null, null, null, null, null);
        await().atMost(SEEDING).pollInterval(Duration.ofSeconds(2)).until(() -> service.historyTotal(done) >= RUNS);
        Pipelines pipelines = new Pipelines(new ApiClient(port));
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < MEMBERS; i++) {
            items.append(i == 0 ? "" : ",").append(i);
        }
        String map = pipelines.run("{\"map\": {\"items\": \"pages\", \"task\": {\"task\": \"core.echo\"}}}",
                "{\"pages\": [" + items + "]}");
        assertThat(pipelines.awaitEnd(map, SEEDING).path("status").asString()).isEqualTo("SUCCESS");
        System.out.printf("[scale] seeded %d runs and a %d-member map in %.1f s%n", RUNS, MEMBERS,
                (System.nanoTime() - seedStart) / 1e9);

        Path profile = Files.createTempDirectory("dashboard-scale-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--window-size=1400,1000");
        ChromeDriver browser = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).build(), options);
        List<Long> best = null;
        try {
            for (int round = 1; round <= 3; round++) {
                long list = timed(browser, "http://127.0.0.1:" + port + "/dashboard/?size=100", "#pipeline-rows tr", 100);
                assertThat(browser.findElement(By.id("page-info")).getText()).contains("of " + (RUNS + 1));
                long search = timed(browser, "http://127.0.0.1:" + port + "/dashboard/?status=SUCCESS&chain_id=" + map.substring(0, 8),
                        "#pipeline-rows tr", 1);
                long run = timed(browser, "http://127.0.0.1:" + port + "/dashboard/#/pipelines/" + map, "#timeline tbody tr", MEMBERS);
                assertThat(browser.findElements(By.cssSelector("#graph .gnode[data-kind='map'][data-members='500']"))).hasSize(1);
                long start = System.nanoTime();
                browser.findElement(By.cssSelector("#timeline tr[data-node='0.499'] .task-link")).click();
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> browser.findElement(
                        By.cssSelector("#task-detail pre[aria-label='Task input']")).getText().contains("499"));
                long story = (System.nanoTime() - start) / 1_000_000;
                System.out.printf("[scale] round %d: list of %d runs (page of 100) %d ms, search %d ms, "
                        + "run of a %d-member map (graph + timeline) %d ms, a member's story %d ms%n",
                        round, RUNS + 1, list, search, MEMBERS, run, story);
                best = best == null ? List.of(list, search, run, story) : List.of(Math.min(best.get(0), list),
                        Math.min(best.get(1), search), Math.min(best.get(2), run), Math.min(best.get(3), story));
            }
            // the best of three: a shared, overloaded machine stalls a single round now and then
            System.out.printf("[scale] best of 3 (ms): list %d, search %d, run %d, story %d%n", best.get(0), best.get(1),
                    best.get(2), best.get(3));
            assertThat(best).allMatch(ms -> ms < 5_000);
        } finally {
            browser.quit();
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /**
     * Milliseconds from asking for the address to the page showing {@code rows} elements matching css
     * (counted by the page itself: one script call per check, not one driver call per row).
     */
    private static long timed(ChromeDriver browser, String url, String css, int rows) {
        browser.get("about:blank");
        long start = System.nanoTime();
        browser.get(url);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).ignoreExceptions().until(() ->
                ((Number) browser.executeScript("return document.querySelectorAll(arguments[0]).length", css)).intValue() == rows);
        return (System.nanoTime() - start) / 1_000_000;
    }
}
