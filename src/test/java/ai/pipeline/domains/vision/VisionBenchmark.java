package ai.pipeline.domains.vision;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.pipeline.domains.vision.ModelFamily.Tensor;
import ai.pipeline.shared.image.ImageFiles;
import ai.pipeline.testsupport.SharedTestData;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Throughput and latency of detection on the shared photo: single-threaded, with the predictor
 * pool on 2 threads, and DJL's inference against calling ONNX Runtime directly on the same tensor.
 * Run with {@code ./mvnw -q -B -Pbenchmark test -Dtest=VisionBenchmark}; prints JSON lines.
 */
@Tag("benchmark")
class VisionBenchmark {

    static final int WARMUP = 30;
    static final int IMAGES = 200;

    @TempDir
    Path tmp;

    @Test
    void detection() throws Exception {
        Path model = SharedTestData.file("models/yolox_nano.onnx");
        Path photo = DogPhoto.file();
        VisionProperties defaults = VisionProperties.forModel(model.toString());
        VisionProperties twoPredictors = new VisionProperties(defaults.model(), defaults.modelSha256(), defaults.family(),
                defaults.labels(), 2, defaults.maxPixels(), defaults.scoreThreshold(), defaults.iouThreshold());
        ObjectDetector detector = new ObjectDetector(twoPredictors, tmp);
        assertThat(detector.awaitLoaded(Duration.ofMinutes(1)).state()).isEqualTo(ObjectDetector.State.READY);
        try {
            for (int i = 0; i < WARMUP; i++) {
                detector.detect(photo, detector.defaultThresholds());
            }
            report("single_thread", 1, run(detector, photo, 1));
            report("pool_2_threads", 2, run(detector, photo, 2));
        } finally {
            detector.close();
        }
        inferenceOverhead(twoPredictors, model, photo);
    }

    /** Detections of the photo on {@code threads} threads: the results and the wall time. */
    private static Run run(ObjectDetector detector, Path photo, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long start = System.nanoTime();
            List<Future<List<DetectionResult>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    List<DetectionResult> results = new ArrayList<>();
                    for (int i = 0; i < IMAGES / threads; i++) {
                        results.add(detector.detect(photo, detector.defaultThresholds()));
                    }
                    return results;
                }));
            }
            List<DetectionResult> results = new ArrayList<>();
            for (Future<List<DetectionResult>> future : futures) {
                results.addAll(future.get());
            }
            return new Run(results, (System.nanoTime() - start) / 1e6);
        } finally {
            pool.shutdown();
        }
    }

    private record Run(List<DetectionResult> results, double wallMillis) {
    }

    private static void report(String mode, int threads, Run run) {
        int n = run.results().size();
        double decode = meanStage(run, "decode");
        double preprocess = meanStage(run, "preprocess");
        double inference = meanStage(run, "inference");
        double postprocess = meanStage(run, "postprocess");
        System.out.println(String.format(Locale.ROOT,
                "{\"benchmark\":\"vision\",\"mode\":\"%s\",\"threads\":%d,\"images\":%d,\"images_per_s\":%.1f,"
                        + "\"wall_ms_per_image\":%.2f,\"latency_ms\":%.2f,\"decode_ms\":%.2f,\"preprocess_ms\":%.2f,"
                        + "\"inference_ms\":%.2f,\"postprocess_ms\":%.2f}",
                mode, threads, n, n / (run.wallMillis() / 1000), run.wallMillis() / n,
                decode + preprocess + inference + postprocess, decode, preprocess, inference, postprocess));
    }

    private static double meanStage(Run run, String stage) {
        return run.results().stream()
                .mapToDouble(r -> ((Number) ((Map<?, ?>) r.provenance().details().get("timing_ms")).get(stage)).doubleValue())
                .average().orElseThrow();
    }

    /** The same prepared tensor through DJL's predictor and through an {@code OrtSession} of our own. */
    private void inferenceOverhead(VisionProperties properties, Path modelFile, Path photo) throws Exception {
        try (LoadedModel model = LoadedModel.load(properties, tmp)) {
            Tensor input = model.family().prepare(ImageFiles.read(photo, 0, properties.maxPixels()),
                    model.inputWidth(), model.inputHeight()).input();
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession session = env.createSession(modelFile.toString(), new OrtSession.SessionOptions())) {
                String inputName = session.getInputNames().iterator().next();
                Runnable djl = () -> model.run(input);
                Runnable ort = () -> {
                    try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input.data()), input.shape());
                            OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
                        // a copy of the output as floats, as DJL's translator makes
                        float[] output = new float[3549 * 85];
                        ((OnnxTensor) result.get(0)).getFloatBuffer().get(output);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                };
                for (int i = 0; i < WARMUP; i++) {
                    djl.run();
                    ort.run();
                }
                // alternate the two, so a busy neighbour on the machine slows both alike
                double[] djlMillis = new double[IMAGES];
                double[] ortMillis = new double[IMAGES];
                for (int i = 0; i < IMAGES; i++) {
                    djlMillis[i] = millis(djl);
                    ortMillis[i] = millis(ort);
                }
                double djlMedian = median(djlMillis);
                double ortMedian = median(ortMillis);
                System.out.println(String.format(Locale.ROOT,
                        "{\"benchmark\":\"vision\",\"mode\":\"inference_only\",\"runs\":%d,\"djl_median_ms\":%.2f,"
                                + "\"djl_mean_ms\":%.2f,\"onnxruntime_direct_median_ms\":%.2f,\"onnxruntime_direct_mean_ms\":%.2f,"
                                + "\"djl_overhead_median_ms\":%.2f,\"djl_overhead_pct\":%.1f}",
                        IMAGES, djlMedian, mean(djlMillis), ortMedian, mean(ortMillis), djlMedian - ortMedian,
                        100 * (djlMedian - ortMedian) / ortMedian));
            }
        }
    }

    private static double millis(Runnable inference) {
        long start = System.nanoTime();
        inference.run();
        return (System.nanoTime() - start) / 1e6;
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElseThrow();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
