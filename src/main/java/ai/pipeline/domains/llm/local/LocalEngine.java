package ai.pipeline.domains.llm.local;

import ai.pipeline.domains.llm.ClauseAnalysis;
import ai.pipeline.domains.llm.CuadTaxonomy;
import ai.pipeline.domains.llm.Description;
import ai.pipeline.domains.llm.GeneratedText;
import ai.pipeline.domains.llm.LlmEngine;
import ai.pipeline.domains.llm.LlmProperties;
import ai.pipeline.domains.llm.Scene;
import ai.pipeline.domains.llm.Summary;
import ai.pipeline.domains.llm.SummaryBudget;
import ai.pipeline.shared.task.CancellationSignal;
import ai.pipeline.shared.task.Provenance;
import ai.pipeline.shared.task.TaskFailure;
import java.util.Map;

/**
 * The offline engine ({@code app.llm.provider=local}): no network, the same answer for the same
 * input. It summarises by extraction, labels clauses by similarity to the CUAD taxonomy, composes
 * descriptions from detections and text — and does not pretend to generate text.
 */
public final class LocalEngine implements LlmEngine {

    static final String ENGINE = "local-extractive";

    private final SentenceEmbedder embedder = new SentenceEmbedder();
    private final SentenceSplitter splitter = new SentenceSplitter();
    private final ExtractiveSummarizer summarizer = new ExtractiveSummarizer(splitter, embedder);
    private final ClauseClassifier classifier;
    private final ClauseAnalyzer clauseAnalyzer;
    private final SceneDescriber describer;

    public LocalEngine(CuadTaxonomy taxonomy, LlmProperties.Clauses clauses, LlmProperties.Describe describe) {
        this.classifier = new ClauseClassifier(taxonomy, embedder, clauses.minSimilarity(), clauses.minMargin());
        this.clauseAnalyzer = new ClauseAnalyzer(splitter, classifier);
        this.describer = new SceneDescriber(describe.minScore(), describe.maxTextChars());
    }

    /**
     * There is no generative model offline, and inventing text would be dishonest. CONFLICT (409,
     * not retried): the request is fine, the server's configuration cannot serve it.
     */
    @Override
    public GeneratedText generate(String prompt, CancellationSignal cancellation) {
        throw new TaskFailure(TaskFailure.Reason.CONFLICT, "no generative model configured: the offline engine "
                + "(app.llm.provider=local) only summarises, classifies clauses and describes; set "
                + "app.llm.provider=openai with app.llm.openai.base-url and app.llm.openai.model to generate text");
    }

    @Override
    public Summary summarize(String text, SummaryBudget budget, CancellationSignal cancellation) {
        long started = System.nanoTime();
        ExtractiveSummarizer.Result result = summarizer.summarize(text, budget, cancellation);
        return new Summary(result.summary(),
                result.picks().stream().map(pick -> new Summary.Sentence(pick.sentence().text(), pick.sentence().start(),
                        pick.sentence().end(), Math.round(pick.centrality() * 10000) / 10000.0)).toList(),
                provenance("extractive-mmr.v1", SentenceEmbedder.MODEL_NAME, Map.of(
                        "sentences_in_input", result.sentencesInInput(),
                        "candidates", result.candidates(),
                        "max_sentences", budget.maxSentences(),
                        "max_chars", budget.maxChars(),
                        "mmr_lambda", ExtractiveSummarizer.LAMBDA,
                        "near_duplicate_cosine", ExtractiveSummarizer.NEAR_DUPLICATE), started));
    }

    @Override
    public ClauseAnalysis analyzeClauses(String text, CancellationSignal cancellation) {
        long started = System.nanoTime();
        return new ClauseAnalysis(clauseAnalyzer.analyze(text, cancellation),
                provenance("cuad-similarity.v1", SentenceEmbedder.MODEL_NAME, Map.of(
                        "taxonomy", "CUAD (The Atticus Project, CC BY 4.0)",
                        "min_similarity", classifier.minSimilarity(),
                        "min_margin", classifier.minMargin()), started));
    }

    @Override
    public Description describe(Scene scene, CancellationSignal cancellation) {
        long started = System.nanoTime();
        return new Description(describer.describe(scene),
                provenance("template.v1", "none", Map.of("objects", scene.objects().size()), started));
    }

    @Override
    public void warmUp() {
        classifier.load(); // embeds the clause prototypes, which loads the embedding model
    }

    @Override
    public String toString() {
        return "the offline engine (" + ENGINE + ", " + SentenceEmbedder.MODEL_NAME + ")";
    }

    private static Provenance provenance(String version, String model, Map<String, Object> details, long startedNanos) {
        return new Provenance(ENGINE, version, model, details, (System.nanoTime() - startedNanos) / 1_000_000);
    }
}
