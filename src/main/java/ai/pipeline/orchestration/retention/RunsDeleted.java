package ai.pipeline.orchestration.retention;

import java.util.List;

/** A Spring application event: these runs and their records are gone; whoever keeps files per run removes them. */
public record RunsDeleted(List<String> chainIds) {
}
