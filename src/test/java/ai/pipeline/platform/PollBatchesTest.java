package ai.pipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.platform.KafkaBatches.PollBatches;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class PollBatchesTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final PollBatches polls = new PollBatches();

    private Exchange record(String body, boolean lastOfPoll) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setBody(body);
        exchange.getIn().setHeader(KafkaConstants.LAST_POLL_RECORD, lastOfPoll);
        return exchange;
    }

    private static List<String> bodies(List<Exchange> records) {
        return records.stream().map(r -> r.getIn().getBody(String.class)).toList();
    }

    @Test
    void aPollsRecordsAreHandedOnTogetherAtItsLastRecord() {
        List<List<String>> handled = new ArrayList<>();
        polls.gather(record("a", false), records -> handled.add(bodies(records)));
        polls.gather(record("b", false), records -> handled.add(bodies(records)));
        assertThat(handled).isEmpty();
        polls.gather(record("c", true), records -> handled.add(bodies(records)));
        polls.gather(record("d", true), records -> handled.add(bodies(records)));
        assertThat(handled).containsExactly(List.of("a", "b", "c"), List.of("d"));
    }

    @Test
    void aBatchWhoseHandlingFailedIsHandedOnAgainWholeWhenItsLastRecordIsRedelivered() {
        polls.gather(record("a", false), records -> { });
        Exchange last = record("b", true);
        assertThatThrownBy(() -> polls.gather(last, records -> {
            throw new IllegalStateException("database away");
        })).isInstanceOf(IllegalStateException.class);
        List<List<String>> handled = new ArrayList<>();
        polls.gather(last, records -> handled.add(bodies(records)));
        assertThat(handled).containsExactly(List.of("a", "b"));
    }
}
