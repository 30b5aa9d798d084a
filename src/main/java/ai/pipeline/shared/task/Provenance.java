package ai.pipeline.shared.task;

import java.util.Map;

/**
 * Which engine and model produced a result, and how long it took: every domain result carries one
 * (e.g. {@code tesseract 5.3.0} with languages {@code eng+kor}; {@code onnxruntime} with the model
 * file's sha256; a chat model's name or the offline engine).
 */
public record Provenance(String engine, String version, String model, Map<String, Object> details, long durationMs) {

    public Provenance {
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
