package ai.pipeline.domains.llm.local;

import ai.pipeline.domains.llm.SummaryBudget;
import ai.pipeline.shared.task.CancellationSignal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An extractive summary: the input's own sentences, verbatim, in document order. Sentences are
 * ranked by centrality — cosine similarity of their embedding to the document's mean embedding — and
 * picked by maximal marginal relevance (MMR: centrality minus similarity to what is already picked),
 * so the summary covers the document instead of repeating its main point; a sentence at least
 * {@value #NEAR_DUPLICATE} similar to a picked one is never taken. Picking stops at the budget.
 */
final class ExtractiveSummarizer {

    /** Weight of centrality against redundancy in MMR. */
    static final double LAMBDA = 0.7;

    /** Cosine similarity from which two sentences say the same thing. */
    static final double NEAR_DUPLICATE = 0.9;

    /** Shorter sentences (headings, "See below.") carry too little to stand in a summary. */
    static final int MIN_WORDS = 4;

    record Pick(TextSpan sentence, double centrality) {
    }

    record Result(List<Pick> picks, int sentencesInInput, int candidates) {

        /** The picked sentences joined by single spaces, their inner line breaks flattened. */
        String summary() {
            return String.join(" ", picks.stream().map(pick -> pick.sentence().normalized()).toList());
        }
    }

    private final SentenceSplitter splitter;
    private final SentenceEmbedder embedder;

    ExtractiveSummarizer(SentenceSplitter splitter, SentenceEmbedder embedder) {
        this.splitter = splitter;
        this.embedder = embedder;
    }

    Result summarize(String text, SummaryBudget budget, CancellationSignal cancellation) {
        List<TextSpan> sentences = splitter.sentences(text);
        List<TextSpan> candidates = sentences.stream()
                .filter(s -> s.words() >= MIN_WORDS && s.normalized().length() <= budget.maxChars())
                .toList();
        if (candidates.isEmpty()) {
            return new Result(List.of(), sentences.size(), 0);
        }
        float[][] vectors = embedder.embedAll(candidates.stream().map(TextSpan::normalized).toList(), cancellation);
        double[] centrality = centrality(vectors);

        List<Integer> picked = new ArrayList<>();
        boolean[] out = new boolean[candidates.size()]; // picked, redundant, or too long for what is left
        double[] redundancy = new double[candidates.size()]; // max similarity to any picked sentence
        int chars = 0;
        while (picked.size() < budget.maxSentences()) {
            int best = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < candidates.size(); i++) {
                int length = candidates.get(i).normalized().length() + (picked.isEmpty() ? 0 : 1);
                if (!out[i] && chars + length > budget.maxChars()) {
                    out[i] = true;
                }
                if (out[i]) {
                    continue;
                }
                double score = LAMBDA * centrality[i] - (1 - LAMBDA) * redundancy[i];
                if (score > bestScore) {
                    bestScore = score;
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            picked.add(best);
            out[best] = true;
            chars += candidates.get(best).normalized().length() + (picked.size() == 1 ? 0 : 1);
            for (int i = 0; i < candidates.size(); i++) {
                double similarity = SentenceEmbedder.cosine(vectors[i], vectors[best]);
                redundancy[i] = Math.max(redundancy[i], similarity);
                if (similarity >= NEAR_DUPLICATE) {
                    out[i] = true;
                }
            }
        }
        List<Pick> picks = picked.stream()
                .map(i -> new Pick(candidates.get(i), centrality[i]))
                .sorted(Comparator.comparingInt(pick -> pick.sentence().start()))
                .toList();
        return new Result(picks, sentences.size(), candidates.size());
    }

    /** Cosine of each vector to the normalised mean of all of them. */
    private static double[] centrality(float[][] vectors) {
        float[] mean = new float[vectors[0].length];
        for (float[] vector : vectors) {
            for (int d = 0; d < mean.length; d++) {
                mean[d] += vector[d];
            }
        }
        double norm = 0;
        for (float v : mean) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        double[] centrality = new double[vectors.length];
        for (int i = 0; i < vectors.length; i++) {
            centrality[i] = norm == 0 ? 0 : SentenceEmbedder.cosine(vectors[i], mean) / norm;
        }
        return centrality;
    }
}
