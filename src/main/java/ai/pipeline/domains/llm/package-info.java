/**
 * The LLM domain: {@code llm.generate_text}, {@code llm.summarize}, {@code llm.analyze_clauses} and
 * {@code llm.describe}, as tasks and as synchronous endpoints under {@code /api/v1/llm}.
 *
 * <p>{@code app.llm.provider} chooses the engine behind them: {@code local} (the default; {@link
 * ai.pipeline.domains.llm.local}) runs offline and deterministically — extractive summaries and
 * clause classification with the in-process all-MiniLM-L6-v2 sentence-embedding model, descriptions
 * composed from detections and text — and refuses to invent text; {@code openai} ({@link
 * ai.pipeline.domains.llm.openai}) calls any OpenAI-compatible chat-completions server through
 * langchain4j, rate limited and retried. Every result names the engine and model in its provenance.
 *
 * <p>Depends only on {@code ai.pipeline.shared}.
 */
package ai.pipeline.domains.llm;
