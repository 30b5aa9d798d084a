package ai.pipeline.domains.llm.local;

/** A stretch of the input text: {@code text} is exactly {@code input.substring(start, end)}. */
record TextSpan(String text, int start, int end) {

    static TextSpan of(String input, int start, int end) {
        return new TextSpan(input.substring(start, end), start, end);
    }

    /** The text with every run of whitespace (line breaks of OCR output too) made one space. */
    String normalized() {
        return text.replaceAll("\\s+", " ").trim();
    }

    int words() {
        String normalized = normalized();
        return normalized.isEmpty() ? 0 : normalized.split(" ").length;
    }
}
