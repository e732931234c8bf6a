package dev.switchboard.usage;

import dev.switchboard.api.ProxyErrorType;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/v1/generation?id=}: one generation with every attempt. Needs a gateway key as the proxy does; a key
 * sees its own generations only (another's is a 404, so ids cannot be probed), the master key and an open proxy see
 * all.
 */
@Path("/api/v1/generation")
@Produces(MediaType.APPLICATION_JSON)
public class GenerationResource {

    private static final java.util.regex.Pattern VALID_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,100}");

    @Inject
    GatewayKeys keys;

    @Inject
    GenerationLog log;

    @GET
    public Response get(@QueryParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                        @HeaderParam("x-api-key") String xApiKey) {
        GatewayKey caller;
        switch (keys.authenticate(GatewayKeys.presentedKey(authorization, xApiKey))) {
            case AuthResult.Denied denied -> {
                return error(ProxyErrorType.AUTHENTICATION, denied.message(), "invalid_api_key", null)
                        .header("WWW-Authenticate", "Bearer").build();
            }
            case AuthResult.Allowed allowed -> caller = allowed.key();
        }
        if (id == null || id.isBlank()) {
            return error(ProxyErrorType.INVALID_REQUEST,
                    "Missing query parameter 'id': GET /api/v1/generation?id=<the x-switchboard-generation-id of a "
                            + "response>.", "missing_required_parameter", "id").build();
        }
        // ids are gen- and URL-safe characters; anything else cannot be one (and a NUL byte would upset Postgres).
        // A Responses API answer's id (resp_...) is its generation's id under that API's prefix.
        String wanted = id.strip().startsWith("resp_") ? "gen-" + id.strip().substring(5) : id.strip();
        Optional<GenerationRecord> found = (VALID_ID.matcher(wanted).matches() ? log.find(wanted)
                : Optional.<GenerationRecord>empty())
                .filter(g -> keys.open() || caller == null || caller.master() || caller.id().equals(g.keyId()));
        if (found.isEmpty()) {
            // The id is not echoed: a caller may have pasted something secret into it.
            return error(ProxyErrorType.NOT_FOUND, "No generation with this id for this key. A generation is found "
                    + "with the key that made it (or the master key), by the x-switchboard-generation-id of its "
                    + "response.", "not_found", "id").build();
        }
        return Response.ok(Map.of("data", GenerationJson.generation(found.get()))).build();
    }

    private static Response.ResponseBuilder error(ProxyErrorType type, String message, String code, String param) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type.openAiType());
        error.put("code", code);
        error.put("param", param);
        return Response.status(type.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("error", error));
    }
}
