package ai.pipeline.domains.llm.local;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.domains.llm.ClauseAnalysis;
import ai.pipeline.domains.llm.Summary;
import ai.pipeline.domains.llm.SummaryBudget;
import ai.pipeline.shared.task.CancellationSignal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The offline engine's speed: sentences embedded per second, and milliseconds per summary and per
 * clause analysis of a five-page text (about 15,000 characters). Prints JSON lines.
 * {@code ./mvnw -q -B -Pbenchmark test -Dtest=LlmBenchmark}
 */
@Tag("benchmark")
class LlmBenchmark {

    private static final int RUNS = 5;

    @Test
    void embeddingAndSummaryThroughput() {
        String text = fivePages();
        List<String> sentences = new SentenceSplitter().sentences(text).stream().map(TextSpan::normalized).toList();
        SentenceEmbedder embedder = new SentenceEmbedder();
        embedder.embedAll(sentences, CancellationSignal.NEVER); // load and warm up

        long started = System.nanoTime();
        for (int run = 0; run < RUNS; run++) {
            embedder.embedAll(sentences, CancellationSignal.NEVER);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        print("embedding_batch", "sentences", sentences.size() * RUNS, "sentences_per_s", sentences.size() * RUNS / seconds,
                "mean_chars", sentences.stream().mapToInt(String::length).average().orElse(0));

        started = System.nanoTime();
        for (String sentence : sentences.subList(0, 50)) {
            embedder.embed(sentence);
        }
        print("embedding_single", "sentences", 50, "ms_per_sentence", (System.nanoTime() - started) / 1e6 / 50);

        LocalEngine engine = LocalSummaryTest.ENGINE;
        engine.warmUp();
        engine.summarize(text, new SummaryBudget(5, 1200), CancellationSignal.NEVER);
        double[] summaryMs = new double[RUNS];
        Summary summary = null;
        for (int run = 0; run < RUNS; run++) {
            long t = System.nanoTime();
            summary = engine.summarize(text, new SummaryBudget(5, 1200), CancellationSignal.NEVER);
            summaryMs[run] = (System.nanoTime() - t) / 1e6;
        }
        assertThat(summary.sentences()).isNotEmpty();
        print("summary_5_pages", "chars", text.length(), "sentences_in_input", sentences.size(), "runs", RUNS,
                "median_ms", median(summaryMs), "min_ms", Arrays.stream(summaryMs).min().orElse(0));

        double[] clauseMs = new double[RUNS];
        ClauseAnalysis clauses = null;
        for (int run = 0; run < RUNS; run++) {
            long t = System.nanoTime();
            clauses = engine.analyzeClauses(text, CancellationSignal.NEVER);
            clauseMs[run] = (System.nanoTime() - t) / 1e6;
        }
        print("clauses_5_pages", "chars", text.length(), "runs", RUNS, "median_ms", median(clauseMs),
                "clauses_found", clauses.clauses().size());
    }

    /** About 15,000 characters of varied, deterministic report prose in paragraphs of five sentences. */
    static String fivePages() {
        String[] subjects = {"The regional council", "Our maintenance team", "The new ticketing system", "Local residents",
                "The finance committee", "A survey of commuters", "The harbour authority", "Two independent auditors",
                "The school board", "The water utility", "Volunteers from the library", "The hospital's night staff"};
        String[] verbs = {"reported", "proposed", "reviewed", "questioned", "approved", "documented", "postponed",
                "measured", "compared", "recommended"};
        String[] objects = {"the cost of repairing the northern bridge", "a plan to extend the evening bus service",
                "the energy use of public buildings", "delays in the delivery of spare parts",
                "the results of the spring water-quality tests", "a proposal to plant trees along the ring road",
                "the budget for next year's flood defences", "complaints about noise near the freight terminal",
                "the number of visitors to the museum", "a shortage of qualified nurses",
                "the timetable for renovating the swimming pool", "the price of heating oil over the winter"};
        String[] endings = {"after a long debate in the town hall", "in a report published on Monday",
                "despite objections from several shop owners", "because the previous estimate was too low",
                "with support from the regional government", "before the end of the financial year",
                "following a request from the neighbourhood association", "at the request of the mayor's office"};
        Random random = new Random(42);
        StringBuilder text = new StringBuilder();
        while (text.length() < 15_000) {
            for (int i = 0; i < 5; i++) {
                text.append(subjects[random.nextInt(subjects.length)]).append(' ')
                        .append(verbs[random.nextInt(verbs.length)]).append(' ')
                        .append(objects[random.nextInt(objects.length)]).append(' ')
                        .append(endings[random.nextInt(endings.length)]).append(". ");
            }
            text.append("\n\n");
        }
        return text.toString();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void print(String name, Object... pairs) {
        List<String> fields = new ArrayList<>();
        fields.add("\"benchmark\":\"llm." + name + "\"");
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            Object value = pairs[i + 1];
            fields.add("\"" + pairs[i] + "\":" + (value instanceof Double d ? String.format("%.1f", d) : value));
        }
        System.out.println("{" + String.join(",", fields) + "}");
    }
}
