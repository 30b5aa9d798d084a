package ai.pipeline.domains.llm.openai;

import dev.langchain4j.model.input.PromptTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A versioned prompt template from {@code llm/prompts/<id>.txt} ({@code summarize.v1}): results
 * name the id they were made with, so a changed prompt is a new file, never an edited one.
 * Variables are written {@code {{name}}}.
 */
record Prompt(String id, PromptTemplate template) {

    static Prompt load(String id) {
        String resource = "/llm/prompts/" + id + ".txt";
        try (InputStream in = Prompt.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing prompt " + resource);
            }
            return new Prompt(id, PromptTemplate.from(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String render(Map<String, Object> variables) {
        return template.apply(variables).text();
    }
}
