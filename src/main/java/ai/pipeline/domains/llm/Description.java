package ai.pipeline.domains.llm;

import ai.pipeline.shared.task.Provenance;

/** Result of {@code llm.describe}: one description of a scene. */
public record Description(String description, Provenance provenance) {
}
