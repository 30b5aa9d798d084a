package ai.pipeline.domains.ocr;

/**
 * Character error rate: the edit distance (insertions, deletions, substitutions) between the
 * expected and the recognised text, divided by the expected text's length. Both texts are
 * normalised first: every run of whitespace (line breaks, blank lines, indentation) becomes one
 * space and the ends are trimmed, because layout is not what OCR accuracy is about.
 */
final class CharacterErrorRate {

    private CharacterErrorRate() {
    }

    static double of(String expected, String actual) {
        int[] e = normalise(expected).codePoints().toArray();
        int[] a = normalise(actual).codePoints().toArray();
        int[] previous = new int[a.length + 1];
        int[] current = new int[a.length + 1];
        for (int j = 0; j <= a.length; j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= e.length; i++) {
            current[0] = i;
            for (int j = 1; j <= a.length; j++) {
                int substitution = previous[j - 1] + (e[i - 1] == a[j - 1] ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return e.length == 0 ? (a.length == 0 ? 0 : 1) : (double) previous[a.length] / e.length;
    }

    static String normalise(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }
}
