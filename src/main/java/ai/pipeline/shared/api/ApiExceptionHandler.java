package ai.pipeline.shared.api;

import ai.pipeline.shared.task.TaskFailure;
import jakarta.validation.ConstraintViolationException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Turns every failure of an API call into the error envelope with an honest status: the client's
 * mistakes are 4xx with a message that says what was wrong; an unavailable database (no connection,
 * no transaction, or a commit or rollback on a connection the database ended) is 503; only a bug
 * is a 500, and its stack trace goes to the log, never to the client.
 */
@RestControllerAdvice
public class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(TaskFailure.class)
    ResponseEntity<ApiResponse<Void>> taskFailure(TaskFailure e) {
        return respond(ApiErrors.of(e));
    }

    @ExceptionHandler(MethodArgumentNotValidException.class)
    ResponseEntity<ApiResponse<Void>> invalidBody(MethodArgumentNotValidException e) {
        String message = e.getBindingResult().getFieldErrors().stream()
                .map(f -> ApiRequests.snakeCase(f.getField()) + ": " + f.getDefaultMessage())
                .collect(Collectors.joining("; "));
        return respond(HttpStatus.BAD_REQUEST, "invalid_input", message.isEmpty() ? "invalid request" : message);
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<ApiResponse<Void>> invalidParameter(ConstraintViolationException e) {
        return respond(HttpStatus.BAD_REQUEST, "invalid_input", e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ApiResponse<Void>> unreadableBody(HttpMessageNotReadableException e) {
        String detail = e.getMostSpecificCause().getMessage();
        if (detail != null && detail.length() > 300) {
            detail = detail.substring(0, 300) + "…";
        }
        return respond(HttpStatus.BAD_REQUEST, "invalid_input", "malformed request body: " + detail);
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MissingServletRequestPartException.class,
            MethodArgumentTypeMismatchException.class})
    ResponseEntity<ApiResponse<Void>> badParameter(Exception e) {
        return respond(HttpStatus.BAD_REQUEST, "invalid_input", e.getMessage());
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<ApiResponse<Void>> uploadTooLarge(MaxUploadSizeExceededException e) {
        return respond(HttpStatus.PAYLOAD_TOO_LARGE, "too_large", "upload exceeds the size limit");
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ApiResponse<Void>> badMultipart(MultipartException e) {
        return respond(HttpStatus.BAD_REQUEST, "invalid_input", "malformed multipart request: " + e.getMessage());
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ApiResponse<Void>> unsupportedMediaType(HttpMediaTypeNotSupportedException e) {
        return respond(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                "content type " + e.getContentType() + " is not supported; use " + e.getSupportedMediaTypes());
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<ApiResponse<Void>> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        return respond(HttpStatus.NOT_ACCEPTABLE, "not_acceptable", e.getMessage());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ApiResponse<Void>> methodNotAllowed(HttpRequestMethodNotSupportedException e) {
        return respond(HttpStatus.METHOD_NOT_ALLOWED, "method_not_allowed", e.getMessage());
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ApiResponse<Void>> noSuchEndpoint(NoResourceFoundException e) {
        return respond(HttpStatus.NOT_FOUND, "not_found", "no such endpoint: /" + e.getResourcePath());
    }

    @ExceptionHandler({CannotGetJdbcConnectionException.class, DataAccessResourceFailureException.class,
            TransientDataAccessException.class, CannotCreateTransactionException.class, TransactionSystemException.class})
    ResponseEntity<ApiResponse<Void>> databaseUnavailable(Exception e) {
        return respond(ApiErrors.of(e));
    }

    /**
     * The client went away while it was answered (a closed event stream, a cut connection): there is
     * nobody to answer and nothing went wrong here, so no 500 and no stack trace in the log.
     */
    @ExceptionHandler(AsyncRequestNotUsableException.class)
    void clientGone(AsyncRequestNotUsableException e) {
        log.debug("The client went away: {}", e.getMessage());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ApiResponse<Void>> unexpected(Exception e) {
        return respond(ApiErrors.of(e));
    }

    private static ResponseEntity<ApiResponse<Void>> respond(ApiErrors.Failure failure) {
        return ResponseEntity.status(failure.status()).body(failure.envelope());
    }

    private static ResponseEntity<ApiResponse<Void>> respond(HttpStatus status, String code, String message) {
        return ResponseEntity.status(status).body(ApiResponse.error(code, message));
    }
}
