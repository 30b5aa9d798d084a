package ai.pipeline.domains.llm;

/** How long a summary may be: at most {@code maxSentences} sentences and {@code maxChars} characters. */
public record SummaryBudget(int maxSentences, int maxChars) {
}
