package ai.pipeline.domains.llm.local;

import ai.pipeline.shared.onnx.OnnxRuntime;
import ai.pipeline.shared.task.CancellationSignal;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Sentence embeddings from all-MiniLM-L6-v2 (quantised), run in-process by langchain4j on ONNX
 * Runtime; the model ships inside a Maven jar. Vectors come back unit length, so a dot product is
 * their cosine similarity. The model loads on first use (about a second), not at construction.
 */
final class SentenceEmbedder {

    static final String MODEL_NAME = "all-MiniLM-L6-v2-q";

    /** Texts per call to the model: small enough to notice a cancellation between batches. */
    private static final int BATCH = 64;

    private volatile EmbeddingModel model;

    float[] embed(String text) {
        return embedAll(List.of(text), CancellationSignal.NEVER)[0];
    }

    float[][] embedAll(List<String> texts, CancellationSignal cancellation) {
        float[][] vectors = new float[texts.size()][];
        for (int from = 0; from < texts.size(); from += BATCH) {
            cancellation.throwIfCancelled();
            List<TextSegment> batch = new ArrayList<>();
            for (String text : texts.subList(from, Math.min(texts.size(), from + BATCH))) {
                batch.add(TextSegment.from(text));
            }
            List<Embedding> embeddings = model().embedAll(batch).content();
            for (int i = 0; i < embeddings.size(); i++) {
                vectors[from + i] = unit(embeddings.get(i).vector());
            }
        }
        return vectors;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot;
    }

    private EmbeddingModel model() {
        EmbeddingModel loaded = model;
        if (loaded == null) {
            synchronized (this) {
                loaded = model;
                if (loaded == null) {
                    OnnxRuntime.ensureInitialized(); // DJL must create ONNX Runtime's environment first
                    loaded = new AllMiniLmL6V2QuantizedEmbeddingModel();
                    model = loaded;
                }
            }
        }
        return loaded;
    }

    private static float[] unit(float[] vector) {
        double norm = 0;
        for (float v : vector) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        float[] unit = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            unit[i] = (float) (vector[i] / norm);
        }
        return unit;
    }
}
