package ai.pipeline.domains.llm;

import ai.pipeline.shared.task.Provenance;
import java.util.List;

/** Result of {@code llm.analyze_clauses}: the clauses found, in document order. */
public record ClauseAnalysis(List<Clause> clauses, Provenance provenance) {

    /**
     * A clause of a CUAD {@code category}. {@code start}/{@code end} are character offsets into the
     * input ({@code text} is that substring); they are null when a chat model's quote could not be
     * found in the input. {@code score} is the engine's confidence, when it gives one.
     */
    public record Clause(String category, String text, Double score, Integer start, Integer end) {
    }
}
