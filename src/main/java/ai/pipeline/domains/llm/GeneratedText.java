package ai.pipeline.domains.llm;

import ai.pipeline.shared.task.Provenance;

/** Result of {@code llm.generate_text}: {@code {"text": …, "provenance": …}}. */
public record GeneratedText(String text, Provenance provenance) {
}
