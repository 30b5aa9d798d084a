package ai.pipeline.domains.llm.local;

import static ai.pipeline.domains.llm.ContractSample.ASSIGNMENT;
import static ai.pipeline.domains.llm.ContractSample.CONTRACT;
import static ai.pipeline.domains.llm.ContractSample.DISPARAGEMENT;
import static ai.pipeline.domains.llm.ContractSample.GOVERNING_LAW;
import static ai.pipeline.domains.llm.ContractSample.LIABILITY;
import static ai.pipeline.domains.llm.ContractSample.TERMINATION;
import static ai.pipeline.domains.llm.ContractSample.UNRELATED_PROSE;
import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.domains.llm.ClauseAnalysis;
import ai.pipeline.domains.llm.ClauseAnalysis.Clause;
import ai.pipeline.shared.task.CancellationSignal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The offline clause analysis on {@link ai.pipeline.domains.llm.ContractSample}. */
class LocalClauseAnalysisTest {

    @Test
    void labelsEachClearlyWordedClauseWithItsCategory() {
        ClauseAnalysis analysis = LocalSummaryTest.ENGINE.analyzeClauses(CONTRACT, CancellationSignal.NEVER);

        assertThat(categoryOf(analysis, GOVERNING_LAW)).contains("Governing Law");
        assertThat(categoryOf(analysis, TERMINATION)).contains("Termination for Convenience");
        assertThat(categoryOf(analysis, LIABILITY)).contains("Cap on Liability");
        assertThat(categoryOf(analysis, DISPARAGEMENT)).contains("Non-Disparagement");
        assertThat(categoryOf(analysis, ASSIGNMENT)).contains("Anti-Assignment");
        for (Clause clause : analysis.clauses()) {
            assertThat(CONTRACT.substring(clause.start(), clause.end())).isEqualTo(clause.text());
            assertThat(clause.score()).isBetween(0.0, 1.0);
        }
        assertThat(analysis.clauses()).extracting(Clause::start).isSorted();
        assertThat(analysis.provenance().engine()).isEqualTo("local-extractive");
    }

    @Test
    void unrelatedProseGetsNoClause() {
        assertThat(LocalSummaryTest.ENGINE.analyzeClauses(UNRELATED_PROSE, CancellationSignal.NEVER).clauses()).isEmpty();
    }

    /** The category of the one clause that contains {@code sentence}, if any does. */
    private static Optional<String> categoryOf(ClauseAnalysis analysis, String sentence) {
        int at = CONTRACT.indexOf(sentence);
        List<Clause> containing = analysis.clauses().stream()
                .filter(c -> c.start() <= at && at + sentence.length() <= c.end())
                .toList();
        assertThat(containing).as("clauses containing \"%s\" in %s", sentence, analysis.clauses()).hasSizeLessThanOrEqualTo(1);
        return containing.stream().map(Clause::category).findFirst();
    }
}
