package ai.pipeline.ingress;

import ai.pipeline.orchestration.PipelineService;
import ai.pipeline.orchestration.engine.PipelineEngine;
import ai.pipeline.orchestration.pipelines.PipelineAdded;
import ai.pipeline.orchestration.pipelines.PipelineCatalog;
import ai.pipeline.orchestration.pipelines.PipelineDefinition;
import ai.pipeline.orchestration.pipelines.PipelineInputs;
import ai.pipeline.platform.DataDirectory;
import ai.pipeline.shared.image.ImageFiles;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.TaskFailure;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the drop-folder route does with a file at {@code <inbox>/<pipeline>/<file>}: copies it into
 * storage under its content hash ({@code drop-folder/<sha256>.<format>}) and starts that pipeline on
 * it, with {@code drop-folder:<pipeline>:<sha256>} as the request id, so the same content dropped
 * again maps to the run it started before. The route then moves the file to {@code .done/}; a file
 * that cannot start anything goes to {@code .failed/} with {@code <file>.error.txt} beside it.
 */
@Component
class DropFolder {

    /** The name the file gets in {@code .done/} or {@code .failed/}: its own, or numbered when that is taken. */
    static final String TARGET_NAME = "inboxTarget";
    static final String SOURCE = "drop-folder";
    static final String DONE = ".done";
    static final String FAILED = ".failed";
    static final String STORAGE_DIR = "drop-folder";

    private static final Logger log = LoggerFactory.getLogger(DropFolder.class);

    private final PipelineService pipelines;
    private final PipelineCatalog catalog;
    private final PipelineInputs inputs;
    private final Storage storage;
    private final Path inbox;
    private final boolean enabled;

    DropFolder(PipelineService pipelines, PipelineCatalog catalog, PipelineInputs inputs, Storage storage,
               DataDirectory dataDirectory, InboxProperties properties) {
        this.pipelines = pipelines;
        this.catalog = catalog;
        this.inputs = inputs;
        this.storage = storage;
        this.inbox = dataDirectory.inbox();
        this.enabled = properties.enabled();
        if (enabled) {
            catalog.all().forEach(d -> createDirectory(inbox.resolve(d.name())));
        }
    }

    /** A pipeline added while the application runs (a new route file) gets its folder at once. */
    @EventListener
    void pipelineAdded(PipelineAdded added) {
        if (enabled) {
            createDirectory(inbox.resolve(added.name()));
        }
    }

    Path inbox() {
        return inbox;
    }

    /** Chooses the file's name in {@code .done/} and {@code .failed/} before anything can fail. */
    void prepare(Exchange exchange) {
        Path file = file(exchange);
        exchange.getIn().setHeader(TARGET_NAME, freeName(file.getParent(), file.getFileName().toString()));
    }

    /** Starts the pipeline named by the file's folder; a bad file is a {@link TaskFailure} the route reports. */
    void start(Exchange exchange) {
        Path file = file(exchange);
        String name = file.getFileName().toString();
        PipelineDefinition pipeline = pipelineOf(exchange);
        if (Files.isSymbolicLink(file)) {
            throw TaskFailure.invalidInput("symbolic links are not taken: put the file itself into the inbox");
        }
        long size = size(file);
        if (size == 0) {
            throw TaskFailure.invalidInput("the file is empty");
        }
        if (size > storage.maxFileBytes()) {
            throw TaskFailure.tooLarge("the file has " + size + " bytes; the limit is " + storage.maxFileBytes()
                    + " (app.storage.max-file-size)");
        }
        ImageFiles.Format format = ImageFiles.detect(file);
        inputs.kindFor(pipeline, format, name);
        String sha256 = sha256(file);
        Path stored = storeOnce(file, sha256, format);
        ObjectNode input = inputs.forFile(pipeline, stored, name);
        PipelineEngine.Started started = pipelines.startPipeline(pipeline.name(), input,
                SOURCE + ":" + pipeline.name() + ":" + sha256, SOURCE);
        exchange.getIn().setHeader("chainId", started.chainId());
        if (started.existing()) {
            log.info("Inbox file {} has the content of an earlier drop: run {} of {}", name, started.chainId(), pipeline.name());
            writeNote(file.getParent().resolve(DONE), exchange.getIn().getHeader(TARGET_NAME, String.class) + ".note.txt",
                    name + " has the same content (sha256 " + sha256 + ") as a file dropped before;\n"
                            + "it was mapped to that file's run " + started.chainId() + " of " + pipeline.name()
                            + " instead of starting a new one.\nIts result is (or will be) in outbox/"
                            + started.chainId() + ".json.\n");
        } else {
            log.info("Inbox file {} started {} run {}", name, pipeline.name(), started.chainId());
        }
    }

    /** Writes {@code .failed/<file>.error.txt}; the route then moves the file beside it. */
    void refused(Exchange exchange) {
        Path file = file(exchange);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = cause instanceof TaskFailure failure ? failure.reason().code() + ": " + failure.getMessage()
                : "internal error: " + cause;
        log.warn("Inbox file {} refused: {}", file, reason);
        String target = exchange.getIn().getHeader(TARGET_NAME, file.getFileName().toString(), String.class);
        writeNote(file.getParent().resolve(FAILED), target + ".error.txt",
                inbox.relativize(file) + " did not start a pipeline (" + Instant.now() + ").\n"
                        + "Reason: " + reason + "\n"
                        + "Files go into inbox/<pipeline>/; pipelines: "
                        + catalog.all().stream().map(PipelineDefinition::name).collect(Collectors.joining(", ")) + ".\n");
    }

    private PipelineDefinition pipelineOf(Exchange exchange) {
        String relative = exchange.getIn().getHeader(Exchange.FILE_NAME, String.class).replace('\\', '/');
        int slash = relative.indexOf('/');
        String known = catalog.all().stream().map(PipelineDefinition::name).collect(Collectors.joining(", "));
        if (slash < 0) {
            throw TaskFailure.invalidInput("a file must go into the folder of a pipeline, inbox/<pipeline>/; pipelines: " + known);
        }
        String name = relative.substring(0, slash);
        return catalog.find(name).orElseThrow(() -> TaskFailure.notFound("no pipeline named '" + name
                + "' (the folder's name); pipelines: " + known));
    }

    /** Copies the file into storage under its hash unless an earlier drop already did; never half a file. */
    private Path storeOnce(Path file, String sha256, ImageFiles.Format format) {
        Path dir = storage.root().resolve(STORAGE_DIR);
        Path target = dir.resolve(sha256 + "." + format.name().toLowerCase(Locale.ROOT));
        if (Files.isRegularFile(target)) {
            return target;
        }
        Path partial = dir.resolve("." + UUID.randomUUID() + ".part");
        try {
            Files.createDirectories(dir);
            Files.copy(file, partial);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + file + " into storage", e);
        }
    }

    /** {@code name}, or {@code name-2.ext}, {@code name-3.ext}, … whichever is free in both {@code .done/} and {@code .failed/}. */
    static String freeName(Path folder, String name) {
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        String candidate = name;
        for (int n = 2; taken(folder, candidate); n++) {
            candidate = stem + "-" + n + ext;
        }
        return candidate;
    }

    private static boolean taken(Path folder, String name) {
        return Files.exists(folder.resolve(DONE).resolve(name)) || Files.exists(folder.resolve(FAILED).resolve(name));
    }

    private static Path file(Exchange exchange) {
        return Path.of(exchange.getIn().getHeader(Exchange.FILE_PATH, String.class)).toAbsolutePath();
    }

    static String sha256(Path file) {
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void writeNote(Path dir, String name, String text) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.warn("Could not write {}: {}", dir.resolve(name), e.toString());
        }
    }

    private static void createDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }
}
