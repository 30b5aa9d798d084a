package ai.pipeline.shared.api;

import ai.pipeline.shared.task.TaskFailure;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.attachment.AttachmentMessage;
import org.apache.camel.attachment.CamelFileDataSource;
import org.apache.camel.attachment.DefaultAttachmentMessage;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * What an API bean reads from a REST DSL request ({@link Message}): a JSON body as a checked record,
 * path and query parameters and form fields (Camel puts them in headers), and a multipart upload.
 * Bad input is a {@link TaskFailure} saying what is wrong, so it answers 400 in the envelope.
 */
@Component
public class ApiRequests {

    /** The multipart part that carries an upload. */
    public static final String FILE_PART = "file";

    private final JsonMapper json;
    private final Validator validator;

    public ApiRequests(JsonMapper json, Validator validator) {
        this.json = json;
        this.validator = validator;
    }

    /** A file a client uploaded as the multipart part {@code file}: where Camel spooled it, and the name it was given. */
    public record Upload(Path file, String originalName) {

        public InputStream open() {
            try {
                return Files.newInputStream(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the upload", e);
            }
        }

        public long size() {
            try {
                return Files.size(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the upload", e);
            }
        }
    }

    /** The JSON body as {@code type}, its constraints checked: {@code document_path: is required: …}. */
    public <T> T body(Message request, Class<T> type) {
        byte[] body = request.getBody(byte[].class);
        if (body == null || body.length == 0) {
            throw TaskFailure.invalidInput("malformed request body: it is empty; a JSON body is required");
        }
        T value;
        try {
            value = json.readValue(body, type);
        } catch (JacksonException e) {
            throw TaskFailure.invalidInput("malformed request body: " + describe(e));
        }
        if (value == null) {
            throw TaskFailure.invalidInput("malformed request body: null; a JSON object is required");
        }
        Set<ConstraintViolation<T>> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            throw TaskFailure.invalidInput(violations.stream()
                    .map(v -> snakeCase(v.getPropertyPath().toString()) + ": " + v.getMessage())
                    .sorted().collect(Collectors.joining("; ")));
        }
        return value;
    }

    /**
     * Jackson's account of what is wrong, in JSON's words: the Java types it names (`java.lang.String`,
     * our records) become JSON types, and its token names go, so no message names an internal class.
     */
    static String describe(JacksonException e) {
        String detail = String.valueOf(e.getOriginalMessage()).replaceAll(" \\(token `[^`]*`\\)", "");
        Matcher types = JAVA_TYPE.matcher(detail);
        StringBuilder out = new StringBuilder();
        while (types.find()) {
            types.appendReplacement(out, Matcher.quoteReplacement(jsonType(types.group(1))));
        }
        types.appendTail(out);
        String where = e.getPath().isEmpty() ? "" : " at " + e.getPath().stream()
                .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
        String text = out + where;
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    private static final Pattern JAVA_TYPE = Pattern.compile("`([\\w.$<>, \\[\\]]+)`");

    private static String jsonType(String javaType) {
        String type = javaType.replaceAll("<.*", "");
        return switch (type) {
            case "java.lang.String", "char", "java.lang.Character" -> "a string";
            case "int", "long", "short", "java.lang.Integer", "java.lang.Long", "java.lang.Short", "java.math.BigInteger" -> "an integer";
            case "double", "float", "java.lang.Double", "java.lang.Float", "java.math.BigDecimal" -> "a number";
            case "boolean", "java.lang.Boolean" -> "a boolean";
            default -> type.endsWith("[]") || type.startsWith("java.util.List") || type.startsWith("java.util.Set")
                    || type.startsWith("java.util.Collection") ? "an array" : "an object";
        };
    }

    /** A path or query parameter or form field; blank is absent; a NUL character is 400. */
    public static String param(Message request, String name) {
        Object value = request.getHeader(name);
        if (value instanceof Collection<?> values) {
            value = values.isEmpty() ? null : values.iterator().next();
        }
        return value == null || value.toString().isBlank() ? null : noNul(name, value.toString().trim());
    }

    private static String noNul(String name, String value) {
        if (value.indexOf('\0') >= 0) {
            throw TaskFailure.invalidInput(name + " contains a NUL character (%00)");
        }
        return value;
    }

    /** A parameter given repeated or comma-separated ({@code status=A,B&status=C}): every value. */
    public static List<String> params(Message request, String name) {
        Object value = request.getHeader(name);
        Collection<?> values = value instanceof Collection<?> c ? c : value == null ? List.of() : List.of(value);
        List<String> all = new ArrayList<>();
        for (Object v : values) {
            Arrays.stream(v.toString().split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .map(s -> noNul(name, s)).forEach(all::add);
        }
        return all;
    }

    /** An integer parameter with its default; anything but an integer is 400. */
    public static int intParam(Message request, String name, int defaultValue) {
        String value = param(request, name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw TaskFailure.invalidInput(name + " must be an integer, not '" + value + "'");
        }
    }

    /** A number parameter, or null; anything but a number is 400. */
    public static Double doubleParam(Message request, String name) {
        String value = param(request, name);
        if (value == null) {
            return null;
        }
        try {
            return Double.valueOf(value);
        } catch (NumberFormatException e) {
            throw TaskFailure.invalidInput(name + " must be a number, not '" + value + "'");
        }
    }

    /** Whether the request is multipart/form-data (an upload) rather than JSON. */
    public static boolean isMultipart(Message request) {
        String type = request.getHeader(Exchange.CONTENT_TYPE, String.class);
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/");
    }

    /** The upload in the multipart part {@code file}; a request without one is 400. */
    public static Upload upload(Message request) {
        AttachmentMessage attachments = new DefaultAttachmentMessage(request);
        var part = attachments.getAttachment(FILE_PART);
        if (part == null || !(part.getDataSource() instanceof CamelFileDataSource source)) {
            throw TaskFailure.invalidInput("missing the multipart part '" + FILE_PART + "': the file to upload");
        }
        // Camel names the file only when it is the request's one upload
        String name = attachments.getAttachmentNames().size() == 1 ? request.getHeader(Exchange.FILE_NAME, String.class) : null;
        return new Upload(source.getFile().toPath(), name == null ? "upload" : name);
    }

    /** Deletes the files Camel spooled a request's uploads to: they are copied into storage or read by then. */
    static void discardUploads(Message request) {
        AttachmentMessage attachments = new DefaultAttachmentMessage(request);
        if (!attachments.hasAttachments()) {
            return;
        }
        attachments.getAttachments().values().forEach(part -> {
            if (part.getDataSource() instanceof CamelFileDataSource source) {
                File file = source.getFile();
                try {
                    Files.deleteIfExists(file.toPath());
                } catch (IOException ignored) {
                    // the servlet container's temporary folder; nothing refers to it
                }
            }
        });
    }

    /** Request bodies are snake_case JSON: name fields the way the client wrote them ({@code documentPath} → {@code document_path}). */
    public static String snakeCase(String field) {
        return field.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
