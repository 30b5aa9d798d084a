package ai.pipeline.domains.llm.local;

import ai.pipeline.domains.llm.ClauseAnalysis.Clause;
import ai.pipeline.shared.task.CancellationSignal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds the clauses of a contract: cuts it into sentences, attaches each heading ("12. Governing
 * Law.") to the sentence after it, labels every such unit with {@link ClauseClassifier}, and joins
 * neighbouring units of the same category into one clause whose offsets span them.
 */
final class ClauseAnalyzer {

    /** A numbering before a heading: "12.", "4.1", "(a)", "IV.", "Section 3". */
    private static final Pattern NUMBERING = Pattern.compile(
            "^(?i:(?:section|article|clause)\\s+)?(?:\\d+(?:\\.\\d+)*\\.?|\\([a-z0-9]+\\)|[IVXLC]+\\.)\\s*");

    private static final Set<String> SMALL_WORDS = Set.of("of", "for", "and", "to", "on", "the", "in", "a", "an", "or");

    private static final int MAX_HEADING_WORDS = 6;

    private final SentenceSplitter splitter;
    private final ClauseClassifier classifier;

    ClauseAnalyzer(SentenceSplitter splitter, ClauseClassifier classifier) {
        this.splitter = splitter;
        this.classifier = classifier;
    }

    List<Clause> analyze(String text, CancellationSignal cancellation) {
        List<TextSpan> units = units(text);
        List<Optional<ClauseClassifier.Match>> matches =
                classifier.classify(units.stream().map(TextSpan::normalized).toList(), cancellation);
        List<Clause> clauses = new ArrayList<>();
        for (int i = 0; i < units.size(); i++) {
            if (matches.get(i).isEmpty()) {
                continue;
            }
            ClauseClassifier.Match match = matches.get(i).get();
            TextSpan unit = units.get(i);
            Clause previous = clauses.isEmpty() ? null : clauses.get(clauses.size() - 1);
            boolean continues = previous != null && previous.category().equals(match.category())
                    && matches.get(i - 1).isPresent(); // the unit just before is part of the previous clause
            if (continues) {
                clauses.set(clauses.size() - 1, new Clause(match.category(), text.substring(previous.start(), unit.end()),
                        Math.max(previous.score(), round(match.similarity())), previous.start(), unit.end()));
            } else {
                clauses.add(new Clause(match.category(), unit.text(), round(match.similarity()), unit.start(), unit.end()));
            }
        }
        return clauses;
    }

    /** Sentences, each heading joined to the sentence that follows it. */
    List<TextSpan> units(String text) {
        List<TextSpan> units = new ArrayList<>();
        TextSpan heading = null;
        for (TextSpan sentence : splitter.sentences(text)) {
            TextSpan unit = heading == null ? sentence : TextSpan.of(text, heading.start(), sentence.end());
            if (isHeading(sentence)) {
                heading = unit;
            } else {
                units.add(unit);
                heading = null;
            }
        }
        if (heading != null) {
            units.add(heading);
        }
        return units;
    }

    /** Short, and every word capitalised or a small word: "12. Governing Law.", "LIMITATION OF LIABILITY". */
    static boolean isHeading(TextSpan sentence) {
        String title = NUMBERING.matcher(sentence.normalized()).replaceFirst("").replaceAll("[.:]$", "").trim();
        if (title.isEmpty()) {
            return true;
        }
        String[] words = title.split(" ");
        if (words.length > MAX_HEADING_WORDS) {
            return false;
        }
        for (String word : words) {
            int first = word.codePointAt(0);
            if (Character.isLetter(first) && !Character.isUpperCase(first) && !SMALL_WORDS.contains(word)) {
                return false;
            }
        }
        return true;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
