package ai.pipeline.domains.llm;

import ai.pipeline.shared.task.Provenance;
import java.util.List;

/**
 * Result of {@code llm.summarize}. An extractive summary lists the sentences it took, verbatim, with
 * their character offsets into the input; an abstractive one (a chat model's) has none.
 */
public record Summary(String summary, List<Sentence> sentences, Provenance provenance) {

    /** {@code text} is exactly {@code input.substring(start, end)}; {@code score} is its centrality. */
    public record Sentence(String text, int start, int end, double score) {
    }
}
