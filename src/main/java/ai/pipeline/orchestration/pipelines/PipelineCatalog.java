package ai.pipeline.orchestration.pipelines;

import ai.pipeline.orchestration.canvas.CanvasValidator;
import ai.pipeline.orchestration.canvas.InvalidCanvasException;
import ai.pipeline.orchestration.pipelines.PipelineDefinition.Origin;
import ai.pipeline.platform.DataDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * Every named pipeline, by name: the shipped route files ({@code classpath:routes/pipelines/}) and
 * users' route files in {@code app.pipelines.dir}, read at start and again at every {@link #rescan}.
 * A user file that cannot be compiled is refused (listed by {@link #refused}, logged) and changes
 * nothing else: the pipeline it defined before, if any, keeps its last good version. A shipped file
 * that cannot be compiled is a defect and stops the start.
 */
@Component
public class PipelineCatalog {

    private static final Logger log = LoggerFactory.getLogger(PipelineCatalog.class);
    /** A route file is a few kilobytes; a bigger one is not read. */
    private static final long MAX_FILE_BYTES = 1_000_000;

    private final PipelineRouteFiles files;
    private final CanvasValidator validator;
    private final ApplicationEventPublisher events;
    private final Path dir;
    private final Map<String, PipelineDefinition> shipped = new TreeMap<>();

    /** What the folder held at the last scan, by file name: its text, and what came of it. */
    private final Map<String, String> seen = new HashMap<>();
    private final Map<String, PipelineDefinition> fromDir = new TreeMap<>();
    private volatile Map<String, PipelineDefinition> pipelines = Map.of();
    private volatile Map<String, PipelineRouteException> refused = Map.of();

    public PipelineCatalog(PipelineRouteFiles files, CanvasValidator validator, ApplicationEventPublisher events,
                           PipelinesProperties properties, DataDirectory dataDirectory) {
        this.files = files;
        this.validator = validator;
        this.events = events;
        this.dir = (properties.dir() != null ? properties.dir() : dataDirectory.root().resolve("pipelines"))
                .toAbsolutePath().normalize();
        loadShipped();
        createDir();
        rescan();
    }

    public Optional<PipelineDefinition> find(String name) {
        return Optional.ofNullable(pipelines.get(name));
    }

    public Collection<PipelineDefinition> all() {
        return pipelines.values();
    }

    /** The user files refused at the last scan, by file name. */
    public Map<String, PipelineRouteException> refused() {
        return refused;
    }

    /** {@code app.pipelines.dir}. */
    public Path dir() {
        return dir;
    }

    /** Reads the files of {@code app.pipelines.dir} that were added or changed since the last scan, and forgets removed ones. */
    public synchronized void rescan() {
        Map<String, String> texts = readDir();
        Map<String, PipelineRouteException> refusals = new TreeMap<>(refused);
        seen.keySet().removeIf(file -> !texts.containsKey(file));
        refusals.keySet().removeIf(file -> !texts.containsKey(file));
        fromDir.values().removeIf(p -> !texts.containsKey(p.source().file()));
        texts.forEach((file, text) -> {
            boolean unchanged = seen.containsKey(file) && Objects.equals(text, seen.get(file));
            seen.put(file, text);
            if (unchanged) {
                return;
            }
            try {
                if (text == null) {
                    throw new PipelineRouteException(file, null, "over " + MAX_FILE_BYTES + " bytes; a route file is not read");
                }
                PipelineDefinition pipeline = compile(file, text);
                boolean added = fromDir.put(pipeline.name(), pipeline) == null;
                refusals.remove(file);
                log.info("Pipeline {} {} from {}", pipeline.name(), added ? "added" : "changed", dir.resolve(file));
            } catch (PipelineRouteException e) {
                refusals.put(file, e);
                log.warn("Pipeline file refused: {}{}", e.getMessage(), fromDir.containsKey(nameOf(file))
                        ? " (its previous version stays in use)" : "");
            }
        });
        Map<String, PipelineDefinition> all = new TreeMap<>(shipped);
        all.putAll(fromDir);
        Map<String, PipelineDefinition> before = pipelines;
        pipelines = Collections.unmodifiableMap(all);
        refused = Collections.unmodifiableMap(refusals);
        all.keySet().stream().filter(name -> !before.containsKey(name)).forEach(name -> events.publishEvent(new PipelineAdded(name)));
    }

    private PipelineDefinition compile(String file, String text) {
        if (shipped.containsKey(nameOf(file))) {
            throw new PipelineRouteException(file, null, "a pipeline named " + nameOf(file)
                    + " ships with the product; give yours another name");
        }
        PipelineDefinition pipeline = files.compile(file, text, Origin.PIPELINES_DIR);
        try {
            validator.validate(pipeline.canvas());
        } catch (InvalidCanvasException e) {
            throw new PipelineRouteException(file, null, e.getMessage());
        }
        return pipeline;
    }

    /** The route files in the folder, by name (null: too large to read); hidden ones are left out. */
    private Map<String, String> readDir() {
        Map<String, String> texts = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path path : list.toList()) {
                String file = path.getFileName().toString();
                if (!file.endsWith(PipelineRouteFiles.SUFFIX) || file.startsWith(".") || !Files.isRegularFile(path)) {
                    continue;
                }
                texts.put(file, Files.size(path) > MAX_FILE_BYTES ? null : Files.readString(path, StandardCharsets.UTF_8));
            }
        } catch (IOException | UncheckedIOException e) {
            log.warn("Cannot read the pipelines folder {}: {}", dir, e.toString());
            return new TreeMap<>(seen);
        }
        return texts;
    }

    private static String nameOf(String file) {
        return file.substring(0, file.length() - PipelineRouteFiles.SUFFIX.length());
    }

    private void loadShipped() {
        try {
            for (Resource resource : new PathMatchingResourcePatternResolver().getResources("classpath*:routes/pipelines/*"
                    + PipelineRouteFiles.SUFFIX)) {
                String file = resource.getFilename();
                PipelineDefinition pipeline = files.compile(file, resource.getContentAsString(StandardCharsets.UTF_8), Origin.SHIPPED);
                validator.validate(pipeline.canvas());
                if (shipped.put(pipeline.name(), pipeline) != null) {
                    throw new IllegalStateException("pipeline " + pipeline.name() + " is defined twice");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the shipped pipelines", e);
        }
        pipelines = Collections.unmodifiableMap(new TreeMap<>(shipped));
    }

    private void createDir() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            log.warn("Cannot create the pipelines folder {} (app.pipelines.dir): {}", dir, e.toString());
        }
    }
}
