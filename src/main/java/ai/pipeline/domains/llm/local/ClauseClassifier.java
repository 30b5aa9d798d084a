package ai.pipeline.domains.llm.local;

import ai.pipeline.domains.llm.CuadTaxonomy;
import ai.pipeline.shared.task.CancellationSignal;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Labels a clause with a CUAD category by embedding similarity. Each category has prototypes — its
 * name with its CUAD description, and the handwritten exemplars of {@code llm/clause-exemplars.txt}
 * — and a clause's similarity to a category is its best cosine to one of them. A clause gets its
 * best category only when that similarity reaches {@code minSimilarity} (unrelated prose stays
 * below it) and beats the clause's best match among non-CUAD contract language
 * ({@code llm/clause-background.txt}: notices, payment, severability, …) by {@code minMargin}.
 * Thread-safe; prototypes are embedded once, on first use.
 */
final class ClauseClassifier {

    record Match(String category, double similarity) {
    }

    /** A text's best category (an index into the taxonomy), its similarity, and the best background similarity. */
    record Scores(int category, double best, double background) {
    }

    /**
     * Defined terms for the parties. They say nothing about a clause's category but dominate MiniLM's
     * similarity ("the Reseller shall not…" matches any exemplar about a Reseller), so both clauses
     * and prototypes read "party" instead. Licensor and Licensee stay: they signal licences.
     */
    private static final Pattern PARTY_ROLE = Pattern.compile("\\b(?:([Tt]he) )?(?:Agent|Buyer|Client|Company|"
            + "Consultant|Contractor|Customer|Developer|Distributor|Employee|Employer|Executive|Franchisee|Franchisor|"
            + "Investor|Manufacturer|Owner|Partner|Provider|Purchaser|Reseller|Seller|Sponsor|Subcontractor|"
            + "Supplier|User|Vendor)\\b");

    private final CuadTaxonomy taxonomy;
    private final SentenceEmbedder embedder;
    private final double minSimilarity;
    private final double minMargin;
    private volatile Prototypes prototypes;

    private record Prototypes(float[][] vectors, int[] category, float[][] background) {
    }

    ClauseClassifier(CuadTaxonomy taxonomy, SentenceEmbedder embedder, double minSimilarity, double minMargin) {
        this.taxonomy = taxonomy;
        this.embedder = embedder;
        this.minSimilarity = minSimilarity;
        this.minMargin = minMargin;
    }

    /** One answer per clause: its category, or empty when none is clear enough. */
    List<Optional<Match>> classify(List<String> clauses, CancellationSignal cancellation) {
        Prototypes known = prototypes();
        float[][] vectors = embedder.embedAll(clauses.stream().map(ClauseClassifier::neutralize).toList(), cancellation);
        List<Optional<Match>> matches = new ArrayList<>();
        for (float[] vector : vectors) {
            Scores scores = scores(known, vector);
            matches.add(isClear(scores) ? Optional.of(new Match(taxonomy.categories().get(scores.category()).name(), scores.best()))
                    : Optional.empty());
        }
        return matches;
    }

    /** The decision rule: similar enough to the category, and clearly more than to the background. */
    boolean isClear(Scores scores) {
        return scores.best() >= minSimilarity && scores.best() - scores.background() >= minMargin;
    }

    /** For calibration: the scores behind a decision. */
    Scores scores(String clause) {
        return scores(prototypes(), embedder.embed(neutralize(clause)));
    }

    double minSimilarity() {
        return minSimilarity;
    }

    double minMargin() {
        return minMargin;
    }

    void load() {
        prototypes();
    }

    private static Scores scores(Prototypes known, float[] vector) {
        int bestCategory = -1;
        double best = Double.NEGATIVE_INFINITY;
        for (int p = 0; p < known.vectors().length; p++) {
            double similarity = SentenceEmbedder.cosine(vector, known.vectors()[p]);
            if (similarity > best) {
                best = similarity;
                bestCategory = known.category()[p];
            }
        }
        double background = Double.NEGATIVE_INFINITY;
        for (float[] sentence : known.background()) {
            background = Math.max(background, SentenceEmbedder.cosine(vector, sentence));
        }
        return new Scores(bestCategory, best, background);
    }

    static String neutralize(String text) {
        return PARTY_ROLE.matcher(text).replaceAll(match -> match.group(1) == null ? "party" : match.group(1) + " party");
    }

    private Prototypes prototypes() {
        Prototypes known = prototypes;
        if (known == null) {
            synchronized (this) {
                known = prototypes;
                if (known == null) {
                    known = embedPrototypes();
                    prototypes = known;
                }
            }
        }
        return known;
    }

    private Prototypes embedPrototypes() {
        List<String> texts = new ArrayList<>();
        List<Integer> categories = new ArrayList<>();
        List<CuadTaxonomy.Category> all = taxonomy.categories();
        for (int c = 0; c < all.size(); c++) {
            texts.add(all.get(c).name() + ": " + all.get(c).description());
            categories.add(c);
        }
        exemplars().forEach((name, sentences) -> {
            int c = taxonomy.names().indexOf(name);
            if (c < 0) {
                throw new IllegalStateException("clause-exemplars.txt names an unknown CUAD category: " + name);
            }
            sentences.forEach(sentence -> {
                texts.add(sentence);
                categories.add(c);
            });
        });
        float[][] vectors = embedder.embedAll(texts.stream().map(ClauseClassifier::neutralize).toList(),
                CancellationSignal.NEVER);
        List<String> background = lines(read("/llm/clause-background.txt"));
        float[][] backgroundVectors = embedder.embedAll(background.stream().map(ClauseClassifier::neutralize).toList(),
                CancellationSignal.NEVER);
        return new Prototypes(vectors, categories.stream().mapToInt(Integer::intValue).toArray(), backgroundVectors);
    }

    /** {@code ## Category} headings, each followed by its exemplar sentences. */
    private static Map<String, List<String>> exemplars() {
        Map<String, List<String>> exemplars = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : read("/llm/clause-exemplars.txt").split("\\R")) {
            if (line.startsWith("## ")) {
                current = exemplars.computeIfAbsent(line.substring(3).trim(), name -> new ArrayList<>());
            } else if (!line.isBlank() && !line.startsWith("#")) {
                if (current == null) {
                    throw new IllegalStateException("clause-exemplars.txt: exemplar before the first ## heading: " + line);
                }
                current.add(line.trim());
            }
        }
        return exemplars;
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::trim).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    }

    private static String read(String resource) {
        try (InputStream in = ClauseClassifier.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
