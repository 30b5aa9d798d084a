package ai.pipeline.orchestration.scheduling;

import java.net.URI;
import java.time.Instant;

/**
 * What a start request may add to a start: when the run is due ({@code countdown_s} or {@code eta};
 * null: now) and where its final record is posted when it ends ({@code callback_url}; null: nowhere).
 */
public record StartControls(Instant dueAt, URI callbackUrl) {
}
