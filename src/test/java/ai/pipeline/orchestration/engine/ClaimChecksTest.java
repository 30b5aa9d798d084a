package ai.pipeline.orchestration.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.TaskFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ClaimChecksTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @TempDir
    Path root;

    private ClaimChecks claims() {
        return new ClaimChecks(new Storage(root, 1_000_000), json, 100);
    }

    @Test
    void aResultUpToTheSizeStaysAsItIsALargerOneBecomesAReferenceToItsFile() throws Exception {
        JsonNode small = json.readTree("{\"text\": \"short\"}");
        JsonNode large = json.readTree("{\"text\": \"" + "a".repeat(200) + "\"}");

        assertThat(claims().checkIn("chain-1", "task-1", 1, small)).isSameAs(small);
        JsonNode reference = claims().checkIn("chain-1", "task-1", 1, large);

        assertThat(reference.toString()).isEqualTo("{\"claim_check\":\"results/claims/chain-1/task-1-1.json\",\"bytes\":211}");
        assertThat(json.readTree(Files.readString(root.resolve("results/claims/chain-1/task-1-1.json")))).isEqualTo(large);
        assertThat(root.resolve("results/claims/chain-1")).isDirectoryNotContaining("glob:**.part");
    }

    @Test
    void aTextIsSurelyOverTheSizeOnlyWithMoreCharactersThanTheSizeHasBytes() {
        assertThat(claims().isSurelyOver("a".repeat(100))).isFalse();
        assertThat(claims().isSurelyOver("é".repeat(60))).as("120 bytes, but it cannot be told without counting").isFalse();
        assertThat(claims().isSurelyOver("a".repeat(101))).isTrue();
    }

    @Test
    void aRunsReferencesAreReadBackWhereverTheyAreInAValueAndTheRestIsLeftAsItIs() throws Exception {
        ClaimChecks claims = claims();
        JsonNode first = json.readTree("[\"" + "b".repeat(150) + "\"]");
        JsonNode second = json.readTree("{\"pages\": \"" + "c".repeat(150) + "\"}");
        JsonNode chordInput = json.createArrayNode().add(claims.checkIn("chain-2", "t1", 1, first))
                .add(claims.checkIn("chain-2", "t2", 1, second)).add("inline");
        JsonNode wrapped = json.createObjectNode().set("result", claims.checkIn("chain-2", "t1", 1, first));

        assertThat(claims.checkOut("chain-2", chordInput)).isEqualTo(json.createArrayNode().add(first).add(second).add("inline"));
        assertThat(claims.checkOut("chain-2", wrapped)).isEqualTo(json.createObjectNode().set("result", first));
        JsonNode plain = json.readTree("{\"a\": [1, {\"b\": \"c\"}]}");
        assertThat(claims.checkOut("chain-2", plain)).isSameAs(plain);
        assertThat(claims.checkOut("chain-other", chordInput)).as("another run's references are not read back").isSameAs(chordInput);
    }

    @Test
    void onlyAPathInTheClaimFolderIsAReferenceAndAMissingFileIsNotFoundSayingWhere() throws Exception {
        JsonNode lookalike = json.readTree("{\"claim_check\": \"uploads/secret.json\", \"bytes\": 10}");
        JsonNode escaping = json.readTree("{\"claim_check\": \"results/claims/chain-3/../../../../etc/passwd\", \"bytes\": 10}");
        JsonNode gone = json.readTree("{\"claim_check\": \"results/claims/chain-3/t-1.json\", \"bytes\": 10}");

        assertThat(claims().checkOut("chain-3", lookalike)).isSameAs(lookalike);
        assertThatThrownBy(() -> claims().checkOut("chain-3", escaping)).isInstanceOf(TaskFailure.class)
                .hasMessageContaining("outside the storage root");
        assertThatThrownBy(() -> claims().checkOut("chain-3", gone)).isInstanceOf(TaskFailure.class)
                .hasMessage("the result this step takes was stored at results/claims/chain-3/t-1.json, which is gone"
                        + " (no such file in storage: results/claims/chain-3/t-1.json)")
                .extracting(e -> ((TaskFailure) e).reason()).isEqualTo(TaskFailure.Reason.NOT_FOUND);
    }

    @Test
    void idsBecomeOnePathSegmentInsideTheClaimFolder() throws Exception {
        JsonNode reference = claims().checkIn("../evil/chain", "../task", 1, json.readTree("\"" + "d".repeat(200) + "\""));

        assertThat(reference.path("claim_check").asString()).isEqualTo("results/claims/_._evil_chain/_._task-1.json");
        assertThat(ClaimChecks.folderOf("../x")).isEqualTo("results/claims/_._x");
        assertThat(Files.exists(root.resolve(reference.path("claim_check").asString()))).isTrue();
    }
}
