package ai.pipeline.orchestration.pipelines;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code app.pipelines.*}: users' pipeline route files.
 *
 * @param dir          the folder of {@code <name>.camel.yaml} files (env {@code APP_PIPELINES_DIR});
 *                     unset: {@code <app.data-dir>/pipelines}
 * @param scanInterval how often the folder is looked at for added, changed and removed files
 */
@ConfigurationProperties("app.pipelines")
public record PipelinesProperties(Path dir, @DefaultValue("2s") Duration scanInterval) {
}
