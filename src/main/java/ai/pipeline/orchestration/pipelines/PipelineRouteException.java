package ai.pipeline.orchestration.pipelines;

/**
 * A pipeline route that cannot be compiled: the file it came from, the line Camel gives for the
 * offending node (null when there is none, e.g. a route built in the Java DSL) and what is wrong.
 */
public class PipelineRouteException extends RuntimeException {

    private final String file;
    private final Integer line;
    private final String problem;

    public PipelineRouteException(String file, Integer line, String problem) {
        super(file + (line == null ? "" : ", line " + line) + ": " + problem);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    public String file() {
        return file;
    }

    public Integer line() {
        return line;
    }

    public String problem() {
        return problem;
    }
}
