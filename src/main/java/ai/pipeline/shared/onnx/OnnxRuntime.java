package ai.pipeline.shared.onnx;

import ai.djl.engine.Engine;

/**
 * ONNX Runtime's process-wide environment must be created by DJL before anything else (the LLM
 * domain's embedding model) touches ONNX Runtime, or DJL later fails with "Tried to specify the
 * thread pool … one already exists". Every domain that uses ONNX Runtime calls
 * {@link #ensureInitialized()} before building a model, so the order no longer matters.
 */
public final class OnnxRuntime {

    private OnnxRuntime() {
    }

    public static synchronized void ensureInitialized() {
        Engine.getEngine("OnnxRuntime");
    }
}
