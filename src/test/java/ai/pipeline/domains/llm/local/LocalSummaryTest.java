package ai.pipeline.domains.llm.local;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.domains.llm.CuadTaxonomy;
import ai.pipeline.domains.llm.DefaultLlmProperties;
import ai.pipeline.domains.llm.Summary;
import ai.pipeline.domains.llm.SummaryBudget;
import ai.pipeline.shared.task.CancellationSignal;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalSummaryTest {

    /** Two pairs of near-duplicates on purpose: the second sentence of each restates the first. */
    static final String NEAR_DUPLICATE_A = "The city council approved the new public transport budget on Tuesday evening.";
    static final String NEAR_DUPLICATE_B = "On Tuesday evening the city council approved the new budget for public transport.";
    static final String REPEATED = "Bus fares will stay the same for at least two more years.";

    static final String TEXT = """
            Riverton's city council met for four hours on Tuesday to decide how the town will move people \
            over the next decade. %s The plan adds three bus lines, extends the tram to the hospital and \
            rebuilds the main bicycle routes along the river. %s

            Council members argued mostly about money. %s The transport budget grows by twelve percent, \
            paid for by a parking levy in the centre and a grant from the regional government. Critics said \
            the parking levy would hurt small shops, while supporters pointed to surveys showing that most \
            shoppers arrive on foot or by bus. %s

            Construction starts in March. The tram extension is the largest project and should open in two \
            years, with the bus lines following within months. The bicycle routes will be rebuilt one section \
            at a time so that cyclists always have a way through. The mayor called it the biggest change \
            to the town's streets since the bridge was built.

            Residents can comment on the detailed plans until the end of the month. The council will publish \
            a summary of the comments and its answers before construction begins. %s
            """.formatted(NEAR_DUPLICATE_A, REPEATED, NEAR_DUPLICATE_B, REPEATED, REPEATED);

    /** The offline engine with the default settings, shared by the tests of this package. */
    static final LocalEngine ENGINE = new LocalEngine(CuadTaxonomy.load(), DefaultLlmProperties.get().clauses(),
            DefaultLlmProperties.get().describe());

    private final SentenceEmbedder embedder = new SentenceEmbedder();

    @Test
    void theInputReallyHoldsNearDuplicates() {
        assertThat(SentenceEmbedder.cosine(embedder.embed(NEAR_DUPLICATE_A), embedder.embed(NEAR_DUPLICATE_B)))
                .isGreaterThanOrEqualTo(ExtractiveSummarizer.NEAR_DUPLICATE);
    }

    @Test
    void summaryIsInputSentencesVerbatimInOrderWithinBudgetWithoutNearDuplicates() {
        Summary summary = ENGINE.summarize(TEXT, new SummaryBudget(5, 600), CancellationSignal.NEVER);

        List<Summary.Sentence> sentences = summary.sentences();
        assertThat(sentences).hasSizeBetween(3, 5);
        for (Summary.Sentence sentence : sentences) {
            assertThat(TEXT.substring(sentence.start(), sentence.end())).isEqualTo(sentence.text());
        }
        assertThat(sentences).extracting(Summary.Sentence::start).isSorted().doesNotHaveDuplicates();
        assertThat(summary.summary()).hasSizeLessThanOrEqualTo(600)
                .isEqualTo(String.join(" ", sentences.stream().map(s -> s.text().replaceAll("\\s+", " ")).toList()));
        for (int i = 0; i < sentences.size(); i++) {
            for (int j = i + 1; j < sentences.size(); j++) {
                assertThat(SentenceEmbedder.cosine(embedder.embed(sentences.get(i).text()), embedder.embed(sentences.get(j).text())))
                        .as("similarity of \"%s\" and \"%s\"", sentences.get(i).text(), sentences.get(j).text())
                        .isLessThan(ExtractiveSummarizer.NEAR_DUPLICATE);
            }
        }
        assertThat(summary.provenance().engine()).isEqualTo("local-extractive");
        assertThat(summary.provenance().model()).isEqualTo("all-MiniLM-L6-v2-q");
    }

    @Test
    void aTightBudgetGivesFewerSentences() {
        Summary summary = ENGINE.summarize(TEXT, new SummaryBudget(5, 160), CancellationSignal.NEVER);

        assertThat(summary.summary()).isNotEmpty().hasSizeLessThanOrEqualTo(160);
        assertThat(summary.sentences()).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void aTextWithoutSentencesOfSubstanceGivesAnEmptySummary() {
        Summary summary = ENGINE.summarize("Contents.\n\nPage 1", new SummaryBudget(5, 600), CancellationSignal.NEVER);

        assertThat(summary.summary()).isEmpty();
        assertThat(summary.sentences()).isEmpty();
    }
}
