package ai.pipeline.orchestration.pipelines;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Looks at {@code app.pipelines.dir} every {@code app.pipelines.scan-interval}, so a route file
 * added, changed or removed while the application runs takes effect within that time. A periodic
 * scan rather than a file-system watch service: it behaves the same on every file system,
 * mounted volumes included, and a file compiled again only when its text changed costs nothing.
 */
@Component
class PipelinesFolderWatch implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PipelinesFolderWatch.class);

    private final PipelineCatalog catalog;
    private final PipelinesProperties properties;
    private ScheduledExecutorService scanner;

    PipelinesFolderWatch(PipelineCatalog catalog, PipelinesProperties properties) {
        this.catalog = catalog;
        this.properties = properties;
    }

    @Override
    public synchronized void start() {
        scanner = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "pipelines-folder");
            thread.setDaemon(true);
            return thread;
        });
        long interval = Math.max(100, properties.scanInterval().toMillis());
        scanner.scheduleWithFixedDelay(this::scan, interval, interval, TimeUnit.MILLISECONDS);
    }

    private void scan() {
        try {
            catalog.rescan();
        } catch (RuntimeException e) {
            // the next scan tries again; an exception here would end the schedule
            log.warn("Scanning the pipelines folder {} failed", catalog.dir(), e);
        }
    }

    @Override
    public synchronized void stop() {
        if (scanner != null) {
            scanner.shutdownNow();
            scanner = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scanner != null;
    }
}
