package ai.pipeline.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The dashboard against an application that requires an API key: the page says what is missing,
 * takes the key, then lists, streams, starts and cancels with it. (Its own application context,
 * since the key is a startup setting.)
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"app.data-dir=target/test-data/${random.uuid}", "app.security.api-keys=" + DashboardApiKeyIT.KEY})
class DashboardApiKeyIT {

    static final String KEY = "dashboard-test-key";
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @LocalServerPort
    int port;

    private Path profile;
    private ChromeDriver browser;

    @BeforeEach
    void openBrowser() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM), "skipped: Debian's chromium is not installed at /usr/bin/chromium");
        profile = Files.createTempDirectory("dashboard-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1400,1000");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build(),
                options);
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
    void asksForTheKeyThenListsStreamsStartsAndCancelsWithIt() {
        browser.get("http://127.0.0.1:" + port + "/dashboard/");
        await().atMost(PATIENCE).until(() -> browser.findElement(By.id("message")).getText(),
                message -> message.contains("401") && message.contains("missing API key"));
        assertThat(browser.findElement(By.id("api-key")).getDomAttribute("open")).as("the key form opened").isNotNull();
        await().atMost(PATIENCE).until(() -> browser.findElement(By.id("live")).getText(),
                text -> text.startsWith("disconnected") && text.contains("missing API key"));

        enterKey("not-the-key");
        await().atMost(PATIENCE).until(() -> browser.findElement(By.id("message")).getText(),
                message -> message.contains("unknown API key"));

        enterKey(KEY);
        await().atMost(PATIENCE).until(() -> "connected".equals(browser.findElement(By.id("live")).getDomAttribute("data-state")));
        assertThat(browser.findElement(By.id("api-key-state")).getText()).isEqualTo("set");

        browser.findElement(By.cssSelector("#start summary")).click();
        WebElement canvas = browser.findElement(By.id("start-canvas"));
        canvas.clear();
        canvas.sendKeys("{\"task\": \"core.sleep\", \"args\": {\"ms\": 20000}}");
        browser.findElement(By.cssSelector("#start-form button[type='submit']")).click();
        // a fresh application: its workers may still be joining their consumer groups
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(
                () -> browser.findElement(By.id("detail")).getDomAttribute("data-status"), "RUNNING"::equals);
        String chainId = browser.findElement(By.id("detail")).getDomAttribute("data-chain-id");
        browser.findElement(By.id("cancel")).click();
        await().atMost(PATIENCE).ignoreExceptions().until(() -> browser.findElement(By.id("detail")).getDomAttribute("data-status"),
                "CANCELLED"::equals);
        // the list heard of it through the stream, which carries the key too
        await().atMost(PATIENCE).ignoreExceptions().until(() -> browser.findElement(
                By.cssSelector("#pipeline-rows tr[data-chain-id='" + chainId + "']")).getDomAttribute("data-status"),
                "CANCELLED"::equals);
    }

    private void enterKey(String key) {
        if (browser.findElement(By.id("api-key")).getDomAttribute("open") == null) {
            browser.findElement(By.cssSelector("#api-key summary")).click();
        }
        WebElement input = browser.findElement(By.id("api-key-input"));
        input.clear();
        input.sendKeys(key);
        browser.findElement(By.cssSelector("#api-key-form button[type='submit']")).click();
    }
}
