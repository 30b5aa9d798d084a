package ai.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README and {@code docs/} hold together: every relative link leads somewhere, and CI runs the README's test command. */
class DocumentationTest {

    /** {@code [text](target)} and {@code ![alt](target)}, with an optional title. */
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

    @Test
    void everyRelativeLinkInTheReadmeAndDocsLeadsToAFileAndHeadingThatExist() throws IOException {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path document : documents()) {
            for (String target : links(Files.readString(document))) {
                if (target.matches("^[a-z]+:.*")) {
                    continue; // https:, mailto:
                }
                checked++;
                if (target.startsWith("/")) {
                    broken.add(document + ": " + target + " (absolute)");
                    continue;
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved = file.isEmpty() ? document : document.resolveSibling(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(document + ": " + target + " (no such file)");
                } else if (hash >= 0 && resolved.toString().endsWith(".md")
                        && !anchors(Files.readString(resolved)).contains(target.substring(hash + 1))) {
                    broken.add(document + ": " + target + " (no such heading in " + resolved + ")");
                }
            }
        }
        assertThat(checked).as("relative links checked").isGreaterThan(20);
        assertThat(broken).isEmpty();
    }

    @Test
    void ciRunsTheReadmesTestCommand() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int section = readme.indexOf("\n## Test it\n");
        assertThat(section).as("the README's \"Test it\" section").isNotNegative();
        int open = readme.indexOf("```\n", section) + 4;
        String command = readme.substring(open, readme.indexOf("\n```", open)).strip();

        List<String> ciCommands = Files.readAllLines(Path.of(".ci/run")).stream()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#") && !line.startsWith("set ") && !line.startsWith("cd "))
                .toList();
        assertThat(ciCommands).containsExactly(command);
    }

    private static List<Path> documents() throws IOException {
        List<Path> documents = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        return documents;
    }

    /** Link targets outside fenced code blocks. */
    private static List<String> links(String markdown) {
        List<String> targets = new ArrayList<>();
        boolean fenced = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced) {
                Matcher matcher = LINK.matcher(line);
                while (matcher.find()) {
                    targets.add(matcher.group(1));
                }
            }
        }
        return targets;
    }

    /** The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces as dashes. */
    private static Set<String> anchors(String markdown) {
        Set<String> anchors = new HashSet<>();
        boolean fenced = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced && line.matches("^#{1,6} .*")) {
                String heading = line.replaceFirst("^#+ ", "").strip().toLowerCase(Locale.ROOT);
                anchors.add(heading.replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }
}
