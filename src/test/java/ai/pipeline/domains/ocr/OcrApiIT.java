package ai.pipeline.domains.ocr;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.shared.storage.Storage;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.SharedTestData;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** {@code POST /api/v1/ocr/extract} in the running application: uploads, stored files, and bad inputs. */
@AppTest
class OcrApiIT {

    private static final String EXTRACT = "/api/v1/ocr/extract";

    @LocalServerPort
    int port;

    @Autowired
    Storage storage;

    @TempDir
    Path dir;

    @Test
    void readsAnUploadedScan() throws IOException {
        ApiClient.Response response = new ApiClient(port).postFile(EXTRACT, SharedTestData.file("testdata/ocr/phototest.tif"));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode data = response.json().path("data");
        String expected = Files.readString(SharedTestData.file("testdata/ocr/phototest.txt"));
        assertThat(CharacterErrorRate.of(expected, data.path("text").asString())).isLessThanOrEqualTo(0.01);
        assertThat(data.path("page_count").asInt()).isEqualTo(1);
        JsonNode page = data.path("pages").get(0);
        assertThat(page.path("page").asInt()).isEqualTo(1);
        assertThat(page.path("confidence").asDouble()).isGreaterThan(80);
        assertThat(page.path("words").get(0).path("box").size()).isEqualTo(4);
        assertThat(data.path("provenance").path("engine").asString()).isEqualTo("tesseract");
        assertThat(data.path("provenance").path("duration_ms").isNumber()).isTrue();
    }

    @Test
    void readsAFileInStorageByPathWithLanguagesAndPages() throws IOException {
        Path tiff = TestDocuments.tiff(dir.resolve("pages.tif"), TestDocuments.render(TestDocuments.ENGLISH_PAGES));
        Path stored = storage.root().resolve("ocr-it").resolve("pages.tif");
        Files.createDirectories(stored.getParent());
        Files.copy(tiff, stored, StandardCopyOption.REPLACE_EXISTING);

        ApiClient.Response response = new ApiClient(port).postJson(EXTRACT,
                "{\"path\": \"ocr-it/pages.tif\", \"languages\": \"eng+kor\", \"pages\": \"2-3\"}");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode data = response.json().path("data");
        assertThat(data.path("pages").get(0).path("page").asInt()).isEqualTo(2);
        assertThat(data.path("pages").get(1).path("page").asInt()).isEqualTo(3);
        assertThat(data.path("languages").toString()).isEqualTo("[\"eng\",\"kor\"]");
        assertThat(CharacterErrorRate.of(TestDocuments.text(TestDocuments.ENGLISH_PAGES.get(2)),
                data.path("pages").get(1).path("text").asString())).isLessThanOrEqualTo(0.02);
    }

    @Test
    void badInputsGetAClientErrorNamingTheProblemAndTheServiceKeepsAnswering() throws IOException {
        ApiClient api = new ApiClient(port);
        byte[] png = Files.readAllBytes(TestDocuments.png(dir.resolve("page.png"),
                TestDocuments.render(TestDocuments.ENGLISH_PAGES.get(0), TestDocuments.serif())));

        assertClientError(api.postFile(EXTRACT, "empty.png", new byte[0]), 400, "the file is empty");
        assertClientError(api.postFile(EXTRACT, "truncated.png", Arrays.copyOf(png, png.length / 2)), 400,
                "corrupt or truncated");
        assertClientError(api.postFile(EXTRACT, "notes.png", "plain text, not an image".getBytes(StandardCharsets.UTF_8)),
                415, "unsupported format");
        assertClientError(api.postFile(EXTRACT, "bomb.png", pngHeader(50_000, 50_000)), 413, "50000x50000");
        assertClientError(api.postFile(EXTRACT, TestDocuments.encryptedPdf(dir.resolve("locked.pdf"))), 400,
                "encrypted with a password");
        assertClientError(api.postFile(EXTRACT, TestDocuments.emptyPdf(dir.resolve("empty.pdf"))), 400, "has no pages");
        assertClientError(api.postFile(EXTRACT, "page.png", png, "languages", "klingon"), 400, "'klingon'");
        assertClientError(api.postFile(EXTRACT, "page.png", png, "pages", "7"), 400, "page 7 does not exist");
        assertClientError(api.postJson(EXTRACT, "{\"path\": \"../../etc/passwd\"}"), 400, "outside the storage root");
        assertClientError(api.postJson(EXTRACT, "{\"path\": \"no/such.pdf\"}"), 404, "no such file");

        ApiClient.Response good = api.postFile(EXTRACT, "page.png", png);
        assertThat(good.status()).as(good.body()).isEqualTo(200);
        assertThat(CharacterErrorRate.of(TestDocuments.text(TestDocuments.ENGLISH_PAGES.get(0)),
                good.json().path("data").path("text").asString())).isLessThanOrEqualTo(0.02);
    }

    private static void assertClientError(ApiClient.Response response, int status, String message) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        JsonNode body = response.json();
        assertThat(body.path("success").asBoolean()).isFalse();
        assertThat(body.path("error").path("message").asString()).contains(message);
    }

    /** A PNG whose header declares {@code width x height} grey pixels, followed by no image data worth the name. */
    private static byte[] pngHeader(int width, int height) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream header = new DataOutputStream(ihdr);
        header.writeBytes("IHDR");
        header.writeInt(width);
        header.writeInt(height);
        header.write(new byte[] {8, 0, 0, 0, 0}); // 8-bit grey, deflate, no filter, no interlace
        byte[] chunk = ihdr.toByteArray();
        out.writeInt(chunk.length - 4);
        out.write(chunk);
        CRC32 crc = new CRC32();
        crc.update(chunk);
        out.writeInt((int) crc.getValue());
        return bytes.toByteArray();
    }
}
