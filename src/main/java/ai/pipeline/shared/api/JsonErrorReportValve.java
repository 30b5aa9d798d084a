package ai.pipeline.shared.api;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

/**
 * Tomcat's error report, as the API's error envelope instead of its HTML page: what the container
 * refuses before any servlet runs (an encoded NUL in the path, a header section over
 * {@code server.max-http-request-header-size}, …). Installed as the host's error report valve by
 * {@link HttpErrorConfiguration}.
 */
public class JsonErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // as Tomcat's own: nothing for a success, for an answer already written, or for an error already reported
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        ApiErrors.Failure failure = HttpErrors.forStatus(status, headersTooLarge(throwable, response.getMessage()));
        try {
            response.setStatus(failure.status());
            response.setContentType(ApiAnswer.JSON);
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(HttpErrors.json(failure));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response is committed: nothing more to say
        }
    }

    /** Tomcat answers 400 for a header section over its limit; the API says 431, as HTTP defines for it. */
    private static boolean headersTooLarge(Throwable throwable, String message) {
        for (Throwable t = throwable; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("header") && t.getMessage().contains("too large")) {
                return true;
            }
        }
        return message != null && message.contains("header") && message.contains("too large");
    }
}
