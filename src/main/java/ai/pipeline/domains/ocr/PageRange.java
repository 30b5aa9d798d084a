package ai.pipeline.domains.ocr;

import ai.pipeline.shared.task.TaskFailure;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Which pages a request wants, written like a print dialog: {@code "1-3,5"}, {@code "4-"} (to the
 * end); empty means every page. Pages come back in document order, each once.
 */
record PageRange(String spec) {

    private static final Pattern PART = Pattern.compile("(\\d{1,9})(?:\\s*(-)\\s*(\\d{1,9})?)?");

    static final PageRange ALL = new PageRange("");

    static PageRange of(String spec) {
        return spec == null || spec.isBlank() ? ALL : new PageRange(spec.strip());
    }

    /** The selected page numbers (1-based) of a document with {@code pageCount} pages. */
    List<Integer> select(int pageCount) {
        if (spec.isEmpty()) {
            return IntStream.rangeClosed(1, pageCount).boxed().toList();
        }
        TreeSet<Integer> pages = new TreeSet<>();
        for (String part : spec.split(",")) {
            Matcher m = PART.matcher(part.strip());
            if (!m.matches()) {
                throw TaskFailure.invalidInput("invalid page range '" + spec + "': use page numbers and ranges like 1-3,5");
            }
            int first = Integer.parseInt(m.group(1));
            int last = m.group(2) == null ? first : m.group(3) == null ? pageCount : Integer.parseInt(m.group(3));
            requireExists(first, pageCount);
            requireExists(last, pageCount);
            if (last < first) {
                throw TaskFailure.invalidInput("invalid page range '" + part.strip() + "': a range must go upwards");
            }
            IntStream.rangeClosed(first, last).forEach(pages::add);
        }
        return List.copyOf(pages);
    }

    /** Bad input unless the document has page {@code page} (1-based). */
    static void requireExists(int page, int pageCount) {
        if (page < 1 || page > pageCount) {
            throw TaskFailure.invalidInput("page " + page + " does not exist: the document has " + pageCount
                    + (pageCount == 1 ? " page" : " pages"));
        }
    }
}
