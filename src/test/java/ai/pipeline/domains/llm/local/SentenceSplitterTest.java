package ai.pipeline.domains.llm.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SentenceSplitterTest {

    private final SentenceSplitter splitter = new SentenceSplitter();

    @Test
    void keepsAbbreviationsAndTimesInsideTheirSentence() {
        String text = "The meeting starts at 9 a.m. on Monday. See Sec. 4.2 of the Agreement for details. "
                + "Invoice No. 42 was paid by Acme Inc. on time. Dr. Smith arrived at 10 p.m. The U.S. office agreed.";

        assertThat(texts(text)).containsExactly(
                "The meeting starts at 9 a.m. on Monday.",
                "See Sec. 4.2 of the Agreement for details.",
                "Invoice No. 42 was paid by Acme Inc. on time.",
                "Dr. Smith arrived at 10 p.m.",
                "The U.S. office agreed.");
    }

    @Test
    void keepsANumberingWithItsHeading() {
        assertThat(texts("12. Governing Law. This Agreement is governed by the laws of New York."))
                .containsExactly("12. Governing Law.", "This Agreement is governed by the laws of New York.");
    }

    @Test
    void breaksAtBlankLinesAndJoinsWrappedLines() {
        String text = "A heading without a stop\n\nThis sentence is wrapped\nover two lines. And another one.\n";

        assertThat(texts(text)).containsExactly(
                "A heading without a stop", "This sentence is wrapped\nover two lines.", "And another one.");
    }

    @Test
    void offsetsPointAtTheSentenceInTheInput() {
        String text = "  First sentence here.\n\n  Second one follows.  ";

        for (TextSpan sentence : splitter.sentences(text)) {
            assertThat(text.substring(sentence.start(), sentence.end())).isEqualTo(sentence.text());
        }
        assertThat(splitter.sentences(text)).hasSize(2);
    }

    private List<String> texts(String text) {
        return splitter.sentences(text).stream().map(TextSpan::text).toList();
    }
}
