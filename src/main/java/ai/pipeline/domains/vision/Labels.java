package ai.pipeline.domains.vision;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The class names of a model, one a line, from {@code classpath:...} or a file path. */
final class Labels {

    private static final String CLASSPATH = "classpath:";

    private Labels() {
    }

    static List<String> read(String location) {
        String text;
        try {
            if (location.startsWith(CLASSPATH)) {
                String resource = location.substring(CLASSPATH.length()).replaceFirst("^/", "");
                try (InputStream in = Labels.class.getClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalStateException("labels not found: " + location + " (app.vision.labels)");
                    }
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            } else {
                Path file = Path.of(location.replaceFirst("^file:", ""));
                if (!Files.isRegularFile(file)) {
                    throw new IllegalStateException("labels file not found: " + file.toAbsolutePath() + " (app.vision.labels)");
                }
                text = Files.readString(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read labels " + location, e);
        }
        List<String> labels = text.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
        if (labels.isEmpty()) {
            throw new IllegalStateException("the labels file " + location + " is empty");
        }
        return labels;
    }
}
