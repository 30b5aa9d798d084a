package ai.pipeline.domains.vision;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.pipeline.domains.vision.ModelFamily.PreparedImage;
import ai.pipeline.domains.vision.ModelFamily.Tensor;
import ai.pipeline.shared.onnx.OnnxRuntime;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A detection model loaded into ONNX Runtime through DJL, with a fixed pool of predictors: DJL
 * predictors are not thread-safe, so each call borrows one, and at most {@code app.vision.threads}
 * inferences run at once.
 */
final class LoadedModel implements AutoCloseable {

    static final String ENGINE = "OnnxRuntime";

    private final ZooModel<Tensor, Tensor> model;
    private final BlockingQueue<Predictor<Tensor, Tensor>> predictors;
    private final List<Predictor<Tensor, Tensor>> allPredictors;
    private final ModelFamily family;
    private final List<String> labels;
    private final Path file;
    private final String sha256;
    private final String engineVersion;
    private final int inputWidth;
    private final int inputHeight;

    private LoadedModel(ZooModel<Tensor, Tensor> model, int predictorCount, ModelFamily family, List<String> labels,
            Path file, String sha256, long[] inputShape) {
        this.model = model;
        this.family = family;
        this.labels = labels;
        this.file = file;
        this.sha256 = sha256;
        this.engineVersion = Engine.getEngine(ENGINE).getVersion();
        this.inputHeight = (int) inputShape[2];
        this.inputWidth = (int) inputShape[3];
        this.allPredictors = new ArrayList<>();
        this.predictors = new ArrayBlockingQueue<>(predictorCount);
        for (int i = 0; i < predictorCount; i++) {
            Predictor<Tensor, Tensor> predictor = model.newPredictor();
            allPredictors.add(predictor);
            predictors.add(predictor);
        }
    }

    /**
     * Finds (or downloads) the model, loads it and runs it once on a blank image, so a model that
     * does not fit the configured family or labels fails here with a clear message, not on the
     * first request.
     */
    static LoadedModel load(VisionProperties properties, Path modelsDir) {
        OnnxRuntime.ensureInitialized();
        ModelFamily family = ModelFamily.named(properties.family());
        List<String> labels = Labels.read(properties.labels());
        Path file = ModelFile.resolve(properties.model(), properties.modelSha256(), modelsDir);
        String sha256 = ModelFile.sha256(file);
        long[] inputShape = inputShape(file);
        ZooModel<Tensor, Tensor> model;
        try {
            model = Criteria.builder()
                    .setTypes(Tensor.class, Tensor.class)
                    .optModelPath(file)
                    .optEngine(ENGINE)
                    .optTranslator(new TensorTranslator())
                    .build()
                    .loadModel();
        } catch (IOException | ModelNotFoundException | MalformedModelException e) {
            throw new IllegalStateException("cannot load the model " + file + ": " + e.getMessage(), e);
        }
        LoadedModel loaded = null;
        try {
            loaded = new LoadedModel(model, properties.predictorCount(), family, labels, file, sha256, inputShape);
            loaded.checkFitsFamilyAndLabels();
            return loaded;
        } catch (RuntimeException e) {
            if (loaded != null) {
                loaded.close();
            } else {
                model.close();
            }
            throw e;
        }
    }

    /**
     * The input shape, read from the ONNX graph through ONNX Runtime itself: DJL's model does not
     * report input shapes for ONNX models.
     */
    private static long[] inputShape(Path file) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            try (OrtSession session = OrtEnvironment.getEnvironment().createSession(file.toString(), options)) {
                NodeInfo input = session.getInputInfo().values().iterator().next();
                long[] shape = input.getInfo() instanceof TensorInfo tensor ? tensor.getShape() : new long[0];
                if (session.getNumInputs() != 1 || shape.length != 4 || shape[0] != 1 || shape[1] != 3
                        || shape[2] <= 0 || shape[3] <= 0) {
                    throw new IllegalStateException("expected one model input [1, 3, height, width] of a fixed size, "
                            + "this model has " + session.getInputInfo().values());
                }
                return shape;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load the model " + file + ": " + e.getMessage(), e);
        }
    }

    private void checkFitsFamilyAndLabels() {
        BufferedImage blank = new BufferedImage(inputWidth, inputHeight, BufferedImage.TYPE_3BYTE_BGR);
        PreparedImage prepared = family.prepare(blank, inputWidth, inputHeight);
        Tensor output = run(prepared.input());
        int classes;
        try {
            classes = family.classCount(output.shape());
            family.decode(output, prepared, 1.0);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the model does not look like app.vision.family=" + family.name() + ": "
                    + e.getMessage());
        }
        if (classes != labels.size()) {
            throw new IllegalStateException("the model predicts " + classes + " classes but app.vision.labels has "
                    + labels.size() + " labels");
        }
    }

    /** Runs the model on one input tensor; waits for a free predictor when all are busy. */
    Tensor run(Tensor input) {
        Predictor<Tensor, Tensor> predictor;
        try {
            predictor = predictors.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a free predictor", e);
        }
        try {
            return predictor.predict(input);
        } catch (TranslateException e) {
            throw new IllegalStateException("inference failed: " + e.getMessage(), e);
        } finally {
            predictors.add(predictor);
        }
    }

    ModelFamily family() {
        return family;
    }

    String label(int classId) {
        return labels.get(classId);
    }

    String fileName() {
        return file.getFileName().toString();
    }

    String sha256() {
        return sha256;
    }

    String engineVersion() {
        return engineVersion;
    }

    int inputWidth() {
        return inputWidth;
    }

    int inputHeight() {
        return inputHeight;
    }

    int predictorCount() {
        return allPredictors.size();
    }

    @Override
    public void close() {
        allPredictors.forEach(Predictor::close);
        model.close();
    }

    @Override
    public String toString() {
        return fileName() + " (" + family.name() + ", " + inputWidth + "x" + inputHeight + ", sha256 " + sha256
                + ", " + predictorCount() + " predictors)";
    }

    /** Hands a prepared float tensor to DJL and takes the first output back as floats: all image work stays in the family. */
    private static final class TensorTranslator implements NoBatchifyTranslator<Tensor, Tensor> {

        @Override
        public NDList processInput(TranslatorContext ctx, Tensor input) {
            return new NDList(ctx.getNDManager().create(FloatBuffer.wrap(input.data()), new Shape(input.shape())));
        }

        @Override
        public Tensor processOutput(TranslatorContext ctx, NDList list) {
            NDArray output = list.get(0);
            return new Tensor(output.toFloatArray(), output.getShape().getShape());
        }
    }
}
