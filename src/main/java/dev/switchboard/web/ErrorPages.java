package dev.switchboard.web;

import dev.switchboard.api.Snippet;
import dev.switchboard.database.SqlStates;
import io.quarkus.logging.Log;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Map;
import java.util.UUID;

/**
 * Errors as a person or a program can use them: a friendly page in the portal, an error object under {@code /api}.
 * Never a stack trace: unexpected errors are logged with an id that the page shows.
 */
public class ErrorPages {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance notFound(String what, String query);

        static native TemplateInstance error(int status, String title, String message, String incident);
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e, UriInfo uri) {
        if (isApi(uri.getPath())) {
            return json(404, "not_found", e instanceof ModelPage.ModelNotFoundException m
                    ? "Unknown model '" + m.slug() + "'. GET /api/v1/models lists the models."
                    : "Nothing here: " + uri.getPath());
        }
        String what;
        String query;
        if (e instanceof ModelPage.ModelNotFoundException m) {
            what = "There is no model named " + m.slug() + ".";
            query = m.slug().substring(m.slug().indexOf('/') + 1).replace('-', ' ');
        } else {
            what = "There is no page at " + uri.getPath() + ".";
            query = "";
        }
        return Response.status(404).type(MediaType.TEXT_HTML_TYPE)
                .entity(Templates.notFound(Snippet.bounded(what), query.length() > 200 ? "" : query)).build();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e, uri);
        }
        String message = status == 405 ? "This address does not accept that method."
                : status == 415 ? "This address does not accept that content type."
                : status == 406 ? "This address cannot answer in the format asked for."
                : "The request could not be handled (" + status + ").";
        return refused(status, uri, message);
    }

    /** The caller's mistake, said in the route's own terms: a JSON error under the API, a page elsewhere. */
    private static Response refused(int status, UriInfo uri, String message) {
        if (isApi(uri.getPath())) {
            return json(status, "invalid_request", message);
        }
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE)
                .entity(Templates.error(status, "That did not work", message, null)).build();
    }

    /** Seconds a client is asked to wait before trying again while the database is away. */
    static final int RETRY_AFTER_SECONDS = 10;

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        if (SqlStates.isUnavailable(e)) {
            return databaseUnavailable(uri);
        }
        if (e instanceof IllegalArgumentException && String.valueOf(e.getMessage()).startsWith("Failed to decode")) {
            // a form or query value that is not valid URL encoding: the caller's mistake, not ours
            return refused(400, uri,
                    "The request could not be read: a value is not valid URL encoding (e.g. a lone %).");
        }
        String incident = UUID.randomUUID().toString().substring(0, 8);
        // one line at ERROR (no stack trace in the log); the stack for whoever turns this logger to DEBUG
        Log.errorf("Unexpected error %s on %s: %s", incident, uri.getPath(), e);
        Log.debugf(e, "Incident %s", incident);
        if (isApi(uri.getPath())) {
            return json(500, "server_error", "Something went wrong on our side (incident " + incident + ").");
        }
        return Response.status(500).type(MediaType.TEXT_HTML_TYPE)
                .entity(Templates.error(500, "Something went wrong",
                        "Something went wrong on our side. It has been logged; please try again.", incident))
                .build();
    }

    /**
     * What needs the database while it is away: a 503 that says so and when to come back, not an incident. Pages that
     * read only memory (the models list) and the proxy keep working meanwhile; nothing is logged here, the buffers
     * and the background jobs already say once that the database is gone.
     */
    private static Response databaseUnavailable(UriInfo uri) {
        Response.ResponseBuilder answer;
        if (isApi(uri.getPath())) {
            answer = jsonError(503, "service_unavailable", "The database is unavailable, so this cannot be answered now; "
                    + "the proxy keeps serving. Try again in " + RETRY_AFTER_SECONDS + " seconds.");
        } else {
            answer = Response.status(503).type(MediaType.TEXT_HTML_TYPE).entity(Templates.error(503,
                    "Database unavailable", "This page needs the database, which cannot be reached right now. The "
                            + "gateway keeps serving API calls meanwhile, and this page comes back by itself once "
                            + "the database does: try again in a few seconds.", null));
        }
        return answer.header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS)).build();
    }

    /** Paths whose callers are programs: their errors are JSON, not pages. */
    static boolean isApi(String path) {
        return path.startsWith("/api/") || path.startsWith("/v1/");
    }

    private static Response json(int status, String type, String message) {
        return jsonError(status, type, message).build();
    }

    private static Response.ResponseBuilder jsonError(int status, String type, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(errorJson(status, type, message));
    }

    /** The JSON API's error object: {@code {"error": {"message", "type", "code"}}}, the message bounded. */
    static Map<String, Object> errorJson(int status, String type, String message) {
        return Map.of("error", Map.of("message", Snippet.bounded(message), "type", type, "code", status));
    }
}
