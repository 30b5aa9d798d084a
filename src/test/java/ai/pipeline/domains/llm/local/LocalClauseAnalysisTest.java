package ai.pipeline.domains.llm.local;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.domains.llm.ClauseAnalysis;
import ai.pipeline.domains.llm.ClauseAnalysis.Clause;
import ai.pipeline.shared.task.CancellationSignal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The offline clause analysis on a short contract written for this test (none of it is in the exemplars). */
class LocalClauseAnalysisTest {

    static final String GOVERNING_LAW = "This Agreement, and any claim arising out of it, shall be governed by and "
            + "interpreted under the laws of the State of Illinois.";
    static final String TERMINATION = "The Client may terminate this Agreement at any time and for any reason by "
            + "giving the Service Provider sixty (60) days' prior written notice.";
    static final String LIABILITY = "The total liability of the Service Provider for all claims under this Agreement "
            + "shall not exceed the fees paid by the Client during the six (6) months before the claim arose.";
    static final String DISPARAGEMENT = "Neither party shall make, publish or communicate any defamatory or "
            + "disparaging remarks about the other party or its services.";
    static final String ASSIGNMENT = "The Service Provider may not assign or otherwise transfer this Agreement, in "
            + "whole or in part, without the prior written consent of the Client.";

    static final String CONTRACT = """
            SERVICES AGREEMENT

            This Services Agreement is made between Northwind Traders LLC (the "Client") and Blue Harbor \
            Consulting Inc. (the "Service Provider").

            1. Services. The Service Provider shall provide the consulting services described in Schedule A. \
            The Client shall pay each invoice within thirty (30) days of receipt.

            2. Termination. %s

            3. Limitation of Liability. %s

            4. Non-Disparagement. %s

            5. Assignment. %s

            6. Notices. All notices shall be in writing and delivered by hand or by registered mail.

            7. Governing Law. %s
            """.formatted(TERMINATION, LIABILITY, DISPARAGEMENT, ASSIGNMENT, GOVERNING_LAW);

    static final String UNRELATED_PROSE = """
            The old lighthouse stands at the end of a narrow path that winds through the dunes. In summer, \
            families climb its spiral staircase to watch the fishing boats return in the evening light. The \
            keeper's cottage has become a small museum with maps, ship models and photographs of storms. On \
            clear days you can see the islands on the horizon, and seals often rest on the rocks below.
            """;

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
