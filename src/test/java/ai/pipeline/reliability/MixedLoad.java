package ai.pipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * The pipelines the reliability suite pushes: {@code core.*} canvases of every shape (task, chain,
 * group, chord with both policies, map, nesting, retries, a permanent failure), plus small real OCR
 * and detection tasks. Each shape knows the status its runs must end in and what their result holds.
 */
final class MixedLoad {

    /** One kind of pipeline: its canvas, the status it must end in and a check of its result. */
    record Shape(String name, String canvas, String expectedStatus, Consumer<JsonNode> resultCheck) {
    }

    private final List<Shape> shapes;

    /**
     * @param ocrImage a small image with {@code ocrWord} in it, as a storage path
     * @param photo    a storage path of a photo with a dog in it
     */
    MixedLoad(String ocrImage, String ocrWord, String photo) {
        shapes = List.of(
                new Shape("task", """
                        {"task": "core.echo", "args": {"n": 1}}""", "SUCCESS",
                        result -> assertThat(result.path("args").path("n").asInt()).isEqualTo(1)),
                new Shape("chain", """
                        {"chain": [{"task": "core.echo"}, {"task": "core.sleep", "args": {"ms": 40}}, {"task": "core.echo", "args": {"last": true}}]}""",
                        "SUCCESS", result -> assertThat(result.path("args").path("last").asBoolean()).isTrue()),
                new Shape("group", """
                        {"group": [{"task": "core.sleep", "args": {"ms": 30}}, {"task": "core.echo", "args": {"m": 1}}, {"task": "core.echo", "args": {"m": 2}}]}""",
                        "SUCCESS", result -> {
                            assertThat(result.get(0).path("slept_ms").asInt()).isEqualTo(30);
                            assertThat(result.get(1).path("args").path("m").asInt()).isEqualTo(1);
                            assertThat(result.get(2).path("args").path("m").asInt()).isEqualTo(2);
                        }),
                new Shape("chord", """
                        {"chord": {"header": [{"task": "core.sleep", "args": {"ms": 60}}, {"task": "core.echo", "args": {"m": 1}},
                                              {"task": "core.echo", "args": {"m": 2}}],
                                   "body": {"task": "core.echo", "args": {"body": true}}}}""", "SUCCESS",
                        result -> {
                            JsonNode members = result.path("input");
                            assertThat(result.path("args").path("body").asBoolean()).isTrue();
                            assertThat(members.size()).isEqualTo(3);
                            assertThat(members.get(0).path("slept_ms").asInt()).isEqualTo(60);
                            assertThat(members.get(1).path("args").path("m").asInt()).isEqualTo(1);
                            assertThat(members.get(2).path("args").path("m").asInt()).isEqualTo(2);
                        }),
                new Shape("chord_all_settled", """
                        {"chord": {"header": [{"task": "core.echo", "args": {"m": 1}},
                                              {"task": "core.fail", "args": {"times": 9, "retryable": false}}],
                                   "body": {"task": "core.echo"}, "policy": "all_settled"}}""", "SUCCESS",
                        result -> {
                            JsonNode members = result.path("input");
                            assertThat(members.get(0).path("status").asString()).isEqualTo("SUCCESS");
                            assertThat(members.get(1).path("status").asString()).isEqualTo("FAILURE");
                        }),
                new Shape("map_then_group", """
                        {"chain": [{"map": {"items": "xs", "task": {"task": "core.echo"}}},
                                   {"group": [{"task": "core.sleep", "args": {"ms": 20}}, {"task": "core.echo"}]}]}""", "SUCCESS",
                        result -> assertThat(result.size()).isEqualTo(2)),
                new Shape("nested", """
                        {"chain": [{"group": [{"chain": [{"task": "core.echo"}, {"task": "core.sleep", "args": {"ms": 20}}]},
                                              {"chord": {"header": [{"task": "core.echo"}, {"task": "core.echo"}],
                                                         "body": {"task": "core.echo", "args": {"inner": true}}}}]},
                                   {"task": "core.echo", "args": {"end": true}}]}""", "SUCCESS",
                        result -> assertThat(result.path("input").get(1).path("args").path("inner").asBoolean()).isTrue()),
                new Shape("retried", """
                        {"task": "core.fail", "args": {"times": 1}, "retry": {"max": 3, "backoff_ms": 100}}""", "SUCCESS",
                        result -> assertThat(result.path("attempt").asInt()).isEqualTo(2)),
                new Shape("fails", """
                        {"chain": [{"task": "core.echo"}, {"task": "core.fail", "args": {"times": 9, "retryable": false}},
                                   {"task": "core.echo"}]}""", "FAILURE", result -> { }),
                new Shape("ocr", """
                        {"task": "ocr.extract_text", "args": {"path": "%s"}}""".formatted(ocrImage), "SUCCESS",
                        result -> assertThat(result.path("text").asString()).containsIgnoringCase(ocrWord)),
                new Shape("vision", """
                        {"task": "vision.detect_objects", "args": {"path": "%s"}}""".formatted(photo), "SUCCESS",
                        result -> assertThat(result.path("objects").toString()).contains("\"dog\"")));
    }

    /**
     * The {@code i}-th pipeline of a run: mostly {@code core.*} shapes in turn; every 25th is OCR and
     * every 25th (offset) is detection, so real domain work is in the mix without dominating its time.
     */
    Shape shape(int i) {
        if (i % 25 == 7) {
            return byName("ocr");
        }
        if (i % 25 == 19) {
            return byName("vision");
        }
        return shapes.get(i % (shapes.size() - 2));
    }

    Shape byName(String name) {
        return shapes.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    /** The request body that starts pipeline {@code i}, idempotent under its request id. */
    static String request(Shape shape, String requestId) {
        return "{\"canvas\": " + shape.canvas() + ", \"input\": {\"xs\": [1, 2, 3]}, \"request_id\": \"" + requestId + "\"}";
    }
}
