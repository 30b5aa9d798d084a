package ai.pipeline.orchestration.canvas;

/** A canvas that cannot run; the message names the offending node, e.g. {@code $.chain[1].chord.header: empty}. */
public class InvalidCanvasException extends RuntimeException {

    public InvalidCanvasException(String path, String problem) {
        super(path + ": " + problem);
    }
}
