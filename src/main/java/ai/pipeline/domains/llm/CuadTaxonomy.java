package ai.pipeline.domains.llm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The 41 clause categories of CUAD (The Atticus Project, CC BY 4.0), read from
 * {@code llm/cuad-categories.csv}: the labels both engines give clauses.
 */
public final class CuadTaxonomy {

    public record Category(String name, String description) {
    }

    private static final String RESOURCE = "/llm/cuad-categories.csv";

    private final List<Category> categories;

    private CuadTaxonomy(List<Category> categories) {
        this.categories = List.copyOf(categories);
    }

    public static CuadTaxonomy load() {
        try (InputStream in = CuadTaxonomy.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rows look like {@code Category: Governing Law,Description: Which state…?,Answer Format: …,Group: -}. */
    static CuadTaxonomy parse(String csv) {
        List<Category> categories = new ArrayList<>();
        List<List<String>> rows = Csv.parse(csv.replace("\uFEFF", ""));
        for (List<String> row : rows.subList(1, rows.size())) {
            if (row.size() < 2 || !row.get(0).startsWith("Category:")) {
                continue;
            }
            String name = row.get(0).substring("Category:".length()).trim();
            String description = row.get(1).replaceFirst("^Description:", "").replaceAll("(?U)\\s+", " ").trim();
            categories.add(new Category(name, description));
        }
        return new CuadTaxonomy(categories);
    }

    public List<Category> categories() {
        return categories;
    }

    public List<String> names() {
        return categories.stream().map(Category::name).toList();
    }

    public Optional<Category> find(String name) {
        return categories.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** Just enough RFC 4180 for this file: quoted fields may hold commas; {@code ""} is a quote. */
    private static final class Csv {

        static List<List<String>> parse(String text) {
            List<List<String>> rows = new ArrayList<>();
            List<String> row = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        field.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    row.add(field.toString());
                    field.setLength(0);
                } else if (c == '\n' || c == '\r') {
                    if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                        i++;
                    }
                    row.add(field.toString());
                    field.setLength(0);
                    rows.add(row);
                    row = new ArrayList<>();
                } else {
                    field.append(c);
                }
            }
            if (field.length() > 0 || !row.isEmpty()) {
                row.add(field.toString());
                rows.add(row);
            }
            return rows;
        }
    }
}
