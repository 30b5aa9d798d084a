package ai.pipeline.domains.llm.local;

import ai.pipeline.domains.llm.Scene;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes one description of a scene without a language model: a sentence listing the confidently
 * detected objects with their counts ("The image shows two people, a dog and a car.") and, when OCR
 * read something legible, a sentence quoting it. Noise that OCR reads in photos ("|| ~ _=") is left
 * out: a line counts as legible when most of its tokens look like words or numbers.
 */
final class SceneDescriber {

    private static final String[] NUMBERS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
            "nine", "ten", "eleven", "twelve"};

    /** Plurals that the spelling rules below get wrong, COCO's labels first. */
    private static final Map<String, String> IRREGULAR_PLURALS = Map.of(
            "person", "people", "mouse", "mice", "knife", "knives", "sheep", "sheep", "skis", "skis",
            "scissors", "scissors", "child", "children", "man", "men", "woman", "women", "fish", "fish");

    private static final Pattern WORDLIKE = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}'’.,:;!?&/%-]*");

    /** Share of a line's tokens that must look like words for the line to count as legible. */
    private static final double LEGIBLE_SHARE = 0.6;

    private final double minScore;
    private final int maxTextChars;

    SceneDescriber(double minScore, int maxTextChars) {
        this.minScore = minScore;
        this.maxTextChars = maxTextChars;
    }

    String describe(Scene scene) {
        List<Scene.LabelCount> counts = scene.labelCounts(minScore);
        String text = legibleText(scene.text());
        List<String> sentences = new ArrayList<>();
        if (!counts.isEmpty()) {
            sentences.add("The image shows " + join(counts.stream().map(SceneDescriber::phrase).toList()) + ".");
        }
        if (!text.isEmpty()) {
            sentences.add((counts.isEmpty() ? "No objects were recognised. The image" : "It")
                    + " contains the text \"" + text + "\".");
        }
        if (sentences.isEmpty()) {
            return "Nothing was recognised in the image: no objects and no legible text.";
        }
        return String.join(" ", sentences);
    }

    /** The legible lines of OCR output, whitespace flattened, cut at a word boundary. */
    String legibleText(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\\R")) {
            String[] tokens = line.trim().split("\\s+");
            if (tokens.length == 0 || tokens[0].isEmpty()) {
                continue;
            }
            long wordlike = 0;
            boolean hasWord = false;
            for (String token : tokens) {
                if (WORDLIKE.matcher(token).matches() && letterOrDigitCount(token) >= 2) {
                    wordlike++;
                    hasWord |= isWord(token);
                }
            }
            if (hasWord && wordlike >= LEGIBLE_SHARE * tokens.length) {
                lines.add(String.join(" ", tokens));
            }
        }
        String legible = String.join(" ", lines);
        if (legible.length() <= maxTextChars) {
            return legible;
        }
        int cut = legible.lastIndexOf(' ', maxTextChars - 1);
        return legible.substring(0, cut > 0 ? cut : maxTextChars - 1) + "…";
    }

    static String phrase(Scene.LabelCount count) {
        if (count.count() == 1) {
            return article(count.label()) + " " + count.label();
        }
        String number = count.count() < NUMBERS.length ? NUMBERS[count.count()] : String.valueOf(count.count());
        return number + " " + plural(count.label());
    }

    static String plural(String noun) {
        int space = noun.lastIndexOf(' ');
        String head = noun.substring(space + 1);
        String prefix = noun.substring(0, space + 1); // "wine glass" → "wine glasses"
        String irregular = IRREGULAR_PLURALS.get(head);
        if (irregular != null) {
            return prefix + irregular;
        }
        if (head.matches(".*(s|x|z|ch|sh)")) {
            return prefix + head + "es";
        }
        if (head.matches(".*[^aeiou]y")) {
            return prefix + head.substring(0, head.length() - 1) + "ies";
        }
        return prefix + head + "s";
    }

    private static String article(String noun) {
        return "aeiou".indexOf(Character.toLowerCase(noun.charAt(0))) >= 0 ? "an" : "a";
    }

    private static String join(List<String> phrases) {
        if (phrases.size() == 1) {
            return phrases.get(0);
        }
        return String.join(", ", phrases.subList(0, phrases.size() - 1)) + " and " + phrases.get(phrases.size() - 1);
    }

    private static int letterOrDigitCount(String token) {
        return (int) token.codePoints().filter(Character::isLetterOrDigit).count();
    }

    /** Three letters or digits in a row, or two letters of a script like Hangul whose words are short. */
    private static boolean isWord(String token) {
        int run = 0;
        int nonLatinLetters = 0;
        for (int cp : token.codePoints().toArray()) {
            run = Character.isLetterOrDigit(cp) ? run + 1 : 0;
            if (run >= 3) {
                return true;
            }
            if (Character.isLetter(cp) && Character.UnicodeScript.of(cp) != Character.UnicodeScript.LATIN) {
                nonLatinLetters++;
            }
        }
        return nonLatinLetters >= 2;
    }
}
