package ai.pipeline.domains.llm.openai;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An OpenAI-compatible chat-completions server on loopback that answers from a script of recorded
 * replies, one per request, and records what it was sent and when.
 */
final class ChatCompletionsServer implements AutoCloseable {

    static final String MODEL = "Qwen2.5-7B-Instruct";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One scripted answer; {@code hang} holds the request open until the server closes. */
    record Reply(int status, Map<String, String> headers, String body, boolean hang) {
    }

    record Received(String path, Map<String, List<String>> headers, String body, long nanoTime) {

        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final Deque<Reply> script = new ArrayDeque<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    ChatCompletionsServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/v1/chat/completions", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    synchronized ChatCompletionsServer reply(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    List<Received> received() {
        return received;
    }

    /** A chat completion as vLLM records it, with {@code content} as the assistant's message. */
    static Reply completion(String content) {
        String body = JSON.writeValueAsString(Map.of(
                "id", "chatcmpl-7f3c2a",
                "object", "chat.completion",
                "created", 1735689600,
                "model", MODEL,
                "choices", List.of(Map.of(
                        "index", 0,
                        "message", Map.of("role", "assistant", "content", content),
                        "finish_reason", "stop")),
                "usage", Map.of("prompt_tokens", 412, "completion_tokens", 58, "total_tokens", 470)));
        return new Reply(200, Map.of("Content-Type", "application/json"), body, false);
    }

    static Reply error(int status, String message, String... headerPairs) {
        Map<String, String> headers = new java.util.HashMap<>(Map.of("Content-Type", "application/json"));
        for (int i = 0; i + 1 < headerPairs.length; i += 2) {
            headers.put(headerPairs[i], headerPairs[i + 1]);
        }
        String body = JSON.writeValueAsString(Map.of("error", Map.of("message", message, "type", "error", "code", status)));
        return new Reply(status, headers, body, false);
    }

    static Reply hang() {
        return new Reply(200, Map.of(), "", true);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body,
                    System.nanoTime()));
            Reply reply;
            synchronized (this) {
                reply = script.isEmpty() ? error(500, "no scripted reply left") : script.poll();
            }
            if (reply.hang()) {
                closing.await(30, TimeUnit.SECONDS);
                return;
            }
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
