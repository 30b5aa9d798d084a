package ai.pipeline.domains.llm.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.pipeline.shared.onnx.OnnxRuntime;
import ai.pipeline.shared.task.CancellationSignal;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class SentenceEmbedderTest {

    private final SentenceEmbedder embedder = new SentenceEmbedder();

    @Test
    void ourSessionGivesLangchain4jsVectors() {
        String sentence = "This Agreement is governed by the laws of the State of New York.";
        OnnxRuntime.ensureInitialized(); // before langchain4j's model class touches ONNX Runtime
        float[] stock = new AllMiniLmL6V2QuantizedEmbeddingModel().embed(sentence).content().vector();
        float[] ours = embedder.embed(sentence);

        assertThat(ours).hasSize(384);
        assertThat(SentenceEmbedder.cosine(ours, unit(stock))).isGreaterThan(0.9999);
    }

    @Test
    void similarSentencesAreCloserThanUnrelatedOnes() {
        float[][] vectors = embedder.embedAll(List.of("The cat sat on the mat.", "A cat was sitting on the mat.",
                "Quarterly revenue rose by four percent."), CancellationSignal.NEVER);

        assertThat(SentenceEmbedder.cosine(vectors[0], vectors[0])).isCloseTo(1.0, within(1e-5));
        assertThat(SentenceEmbedder.cosine(vectors[0], vectors[1])).isGreaterThan(SentenceEmbedder.cosine(vectors[0], vectors[2]) + 0.3);
    }

    private static float[] unit(float[] vector) {
        double norm = 0;
        for (float v : vector) {
            norm += v * v;
        }
        float[] unit = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            unit[i] = (float) (vector[i] / Math.sqrt(norm));
        }
        return unit;
    }
}
