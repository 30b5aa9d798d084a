package ai.pipeline.domains.llm.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import opennlp.tools.sentdetect.SentenceDetectorME;
import opennlp.tools.sentdetect.SentenceModel;
import opennlp.tools.util.Span;

/**
 * Splits text into sentences with their offsets: paragraphs at blank lines, then OpenNLP's English
 * sentence detector within each paragraph, then repairs of its known mistakes — it ends sentences
 * after abbreviations ("No.", "Sec.", "a.m.", "Inc.") and after bare enumerators ("12.").
 * Thread-safe (OpenNLP's detector is not, so each call makes its own from the shared model).
 */
final class SentenceSplitter {

    /** In {@code org.apache.opennlp:opennlp-models-sentdetect-en:1.3.0}. */
    private static final String MODEL = "/opennlp-en-ud-ewt-sentence-1.3-2.5.4.bin";

    private static final Pattern PARAGRAPH_BREAK = Pattern.compile("\\n[ \\t\\x0B\\f\\r]*\\n\\s*");

    /** Abbreviations that are followed by more of the same sentence (checked without their final dot). */
    private static final Set<String> ABBREVIATIONS = Set.of(
            "no", "nos", "sec", "secs", "art", "arts", "para", "paras", "cl", "ch", "fig", "figs", "vol", "p", "pp",
            "mr", "mrs", "ms", "dr", "prof", "vs", "cf", "e.g", "i.e", "approx", "dept", "ref", "ex");

    /** A sentence that is only a numbering: "12.", "4.1", "(a)", "iv.", "Section 3.", "Article IV." */
    private static final Pattern ENUMERATOR = Pattern.compile(
            "(?i)((section|article|clause|schedule)\\s+)?(\\d+(\\.\\d+)*|[ivxlc]+|[a-z])[.)]?|\\(([a-z]|\\d+|[ivxlc]+)\\)");

    private static final Pattern LAST_TOKEN = Pattern.compile("(\\S+)\\.$");

    private final SentenceModel model;

    SentenceSplitter() {
        try (InputStream in = SentenceSplitter.class.getResourceAsStream(MODEL)) {
            if (in == null) {
                throw new IllegalStateException("OpenNLP sentence model " + MODEL + " is not on the classpath");
            }
            this.model = new SentenceModel(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sentences of {@code text} in order, trimmed, never empty. */
    List<TextSpan> sentences(String text) {
        SentenceDetectorME detector = new SentenceDetectorME(model);
        List<TextSpan> sentences = new ArrayList<>();
        for (int[] paragraph : paragraphs(text)) {
            String body = text.substring(paragraph[0], paragraph[1]);
            List<int[]> spans = new ArrayList<>();
            for (Span span : detector.sentPosDetect(body)) {
                spans.add(new int[] {paragraph[0] + span.getStart(), paragraph[0] + span.getEnd()});
            }
            for (int[] span : repair(text, spans)) {
                int[] trimmed = trim(text, span[0], span[1]);
                if (trimmed[0] < trimmed[1]) {
                    sentences.add(TextSpan.of(text, trimmed[0], trimmed[1]));
                }
            }
        }
        return sentences;
    }

    private static List<int[]> paragraphs(String text) {
        List<int[]> paragraphs = new ArrayList<>();
        Matcher breaks = PARAGRAPH_BREAK.matcher(text);
        int start = 0;
        while (breaks.find()) {
            paragraphs.add(new int[] {start, breaks.start()});
            start = breaks.end();
        }
        paragraphs.add(new int[] {start, text.length()});
        return paragraphs;
    }

    /** Joins a span with the next when the detector split where no sentence ends. */
    private static List<int[]> repair(String text, List<int[]> spans) {
        List<int[]> repaired = new ArrayList<>();
        for (int[] span : spans) {
            if (!repaired.isEmpty()) {
                int[] previous = repaired.get(repaired.size() - 1);
                if (continuesAfter(text.substring(previous[0], previous[1]).trim(), text.substring(span[0], span[1]).trim())) {
                    previous[1] = span[1];
                    continue;
                }
            }
            repaired.add(span.clone());
        }
        return repaired;
    }

    private static boolean continuesAfter(String previous, String next) {
        if (next.isEmpty() || previous.isEmpty()) {
            return true;
        }
        char first = next.charAt(0);
        if (Character.isLowerCase(first)) {
            return true; // "at 9 a.m. | on Monday", "Acme Inc. | agreed": sentences do not start in lower case
        }
        if (ENUMERATOR.matcher(previous).matches()) {
            return true; // "12. | Governing Law."
        }
        Matcher last = LAST_TOKEN.matcher(previous);
        return last.find() && ABBREVIATIONS.contains(last.group(1).toLowerCase(Locale.ROOT).replaceAll("^\\W+", ""));
    }

    private static int[] trim(String text, int start, int end) {
        while (start < end && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return new int[] {start, end};
    }
}
