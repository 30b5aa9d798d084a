package ai.pipeline.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names in .done/ and .failed/ never overwrite an earlier file; content hashes identify repeated drops. */
class DropFolderTest {

    @TempDir
    Path folder;

    @Test
    void aTakenNameGetsTheNextFreeNumberAcrossDoneAndFailed() throws Exception {
        assertThat(DropFolder.freeName(folder, "contract.pdf")).isEqualTo("contract.pdf");
        Files.createDirectories(folder.resolve(".done"));
        Files.createDirectories(folder.resolve(".failed"));
        Files.writeString(folder.resolve(".done/contract.pdf"), "1");
        assertThat(DropFolder.freeName(folder, "contract.pdf")).isEqualTo("contract-2.pdf");
        Files.writeString(folder.resolve(".failed/contract-2.pdf"), "2");
        assertThat(DropFolder.freeName(folder, "contract.pdf")).isEqualTo("contract-3.pdf");
        Files.writeString(folder.resolve(".done/README"), "x");
        assertThat(DropFolder.freeName(folder, "README")).isEqualTo("README-2");
    }

    @Test
    void theContentHashIsSha256OfTheBytes() throws Exception {
        Path file = Files.writeString(folder.resolve("abc.txt"), "abc");
        assertThat(DropFolder.sha256(file)).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
