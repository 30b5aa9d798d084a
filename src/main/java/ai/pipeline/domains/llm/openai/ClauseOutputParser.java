package ai.pipeline.domains.llm.openai;

import ai.pipeline.domains.llm.ClauseAnalysis.Clause;
import ai.pipeline.domains.llm.CuadTaxonomy;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks a chat model's clause answer: JSON, valid against {@code llm/clauses.schema.json}, every
 * category one of CUAD's; then finds each quoted clause in the contract to give it offsets
 * (exactly, else ignoring differences in whitespace; null when the quote is not in the contract).
 */
final class ClauseOutputParser {

    static final String SCHEMA_RESOURCE = "/llm/clauses.schema.json";

    /** Either clauses or the problems that made the answer unusable. */
    record Result(List<Clause> clauses, List<String> problems) {

        boolean valid() {
            return problems.isEmpty();
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern CODE_FENCE = Pattern.compile("(?s)^```(?:json)?\\s*(.*?)\\s*```$");

    private final CuadTaxonomy taxonomy;
    private final String schemaText;
    private final Schema schema;

    ClauseOutputParser(CuadTaxonomy taxonomy) {
        this.taxonomy = taxonomy;
        this.schemaText = read(SCHEMA_RESOURCE);
        this.schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(schemaText);
    }

    /** The schema as text, for the prompt. */
    String schemaText() {
        return schemaText;
    }

    Result parse(String answer, String contract) {
        JsonNode root;
        try {
            root = JSON.readTree(unfenced(answer == null ? "" : answer.strip()));
        } catch (JacksonException e) {
            return invalid("the answer is not JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || root.isMissingNode()) {
            return invalid("the answer is empty");
        }
        List<String> problems = new ArrayList<>();
        for (Error error : schema.validate(root)) {
            problems.add(error.toString());
        }
        if (!problems.isEmpty()) {
            return new Result(List.of(), problems);
        }
        List<Clause> clauses = new ArrayList<>();
        int from = 0;
        JsonNode items = root.get("clauses");
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String category = item.get("category").asString();
            if (taxonomy.find(category).isEmpty()) {
                problems.add("$.clauses[" + i + "].category: \"" + category + "\" is not a CUAD category");
                continue;
            }
            String text = item.get("text").asString();
            Double score = item.hasNonNull("score") ? item.get("score").asDouble() : null;
            int[] span = locate(contract, text, from);
            if (span == null) {
                clauses.add(new Clause(category, text, score, null, null));
            } else {
                clauses.add(new Clause(category, contract.substring(span[0], span[1]), score, span[0], span[1]));
                from = span[0];
            }
        }
        return problems.isEmpty() ? new Result(clauses, List.of()) : new Result(List.of(), problems);
    }

    /** Where {@code quote} is in {@code contract}: after {@code from} first (clauses come in order), then anywhere. */
    static int[] locate(String contract, String quote, int from) {
        String trimmed = quote.strip();
        if (trimmed.isEmpty()) {
            return null;
        }
        int at = contract.indexOf(trimmed, from);
        if (at < 0) {
            at = contract.indexOf(trimmed);
        }
        if (at >= 0) {
            return new int[] {at, at + trimmed.length()};
        }
        List<String> words = List.of(trimmed.split("\\s+"));
        Matcher matcher = Pattern.compile(String.join("\\s+", words.stream().map(Pattern::quote).toList()))
                .matcher(contract);
        return matcher.find(Math.min(from, contract.length())) || matcher.find(0)
                ? new int[] {matcher.start(), matcher.end()} : null;
    }

    private static String unfenced(String answer) {
        Matcher fenced = CODE_FENCE.matcher(answer);
        return fenced.matches() ? fenced.group(1) : answer;
    }

    private static Result invalid(String problem) {
        return new Result(List.of(), List.of(problem));
    }

    private static String read(String resource) {
        try (InputStream in = ClauseOutputParser.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
