package ai.pipeline.domains.llm;

import ai.pipeline.shared.task.CancellationSignal;

/**
 * What an engine behind the LLM tasks does. Inputs arrive validated (non-blank, within the size
 * limit); an engine signals what it cannot do with {@link ai.pipeline.shared.task.TaskFailure}.
 */
public interface LlmEngine {

    GeneratedText generate(String prompt, CancellationSignal cancellation);

    Summary summarize(String text, SummaryBudget budget, CancellationSignal cancellation);

    ClauseAnalysis analyzeClauses(String text, CancellationSignal cancellation);

    Description describe(Scene scene, CancellationSignal cancellation);

    /** Loads models ahead of the first request; called once in the background after start-up. */
    default void warmUp() {
    }
}
