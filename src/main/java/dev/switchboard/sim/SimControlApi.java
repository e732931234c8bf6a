package dev.switchboard.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The simulator's own API under {@code /_sim}, for tests and demos to steer it at run time:
 * <ul>
 * <li>{@code GET /_sim/profiles}: every profile, {@code "*"} being the default;</li>
 * <li>{@code PUT /_sim/profiles/{model}}: sets a model's profile (body: profile fields; missing ones come from the
 * default profile); {@code {model}} may contain slashes; {@code *} sets the default;</li>
 * <li>{@code DELETE /_sim/profiles/{model}}: drops a model's profile; {@code DELETE /_sim/profiles}: back to the
 * profiles of start-up;</li>
 * <li>{@code GET /_sim/requests}: counters per model; {@code DELETE /_sim/requests}: zeroes them;</li>
 * <li>{@code GET /_sim/connections}: {@code {"open": n, "inFlight": m}}, the connections open to the simulator and
 * the model requests not yet over (answered to their end or left by the caller), for leak checks;</li>
 * <li>{@code POST /_sim/reset}: profiles, counters, prompt cache and every model's random sequence as at start-up.</li>
 * </ul>
 */
final class SimControlApi implements SimProtocol {

    private static final String PROFILES = "/_sim/profiles/";

    @Override
    public String name() {
        return "control";
    }

    @Override
    public void register(Router router, SimRuntime runtime) {
        router.get("/_sim/profiles").handler(ctx -> json(ctx, 200, runtime.profiles().toJson()));
        router.delete("/_sim/profiles").handler(ctx -> {
            runtime.profiles().reset();
            json(ctx, 200, runtime.profiles().toJson());
        });
        router.put(PROFILES + "*").handler(ctx -> {
            String model = modelOf(ctx);
            JsonNode body;
            try {
                body = ctx.body().length() == 0 ? null : SimRuntime.JSON.readTree(ctx.body().buffer().getBytes());
            } catch (Exception e) {
                error(ctx, 400, "the body must be a JSON object of profile fields");
                return;
            }
            if (model.isEmpty() || body == null) {
                error(ctx, 400, "PUT /_sim/profiles/{model} with a JSON object of profile fields");
                return;
            }
            try {
                json(ctx, 200, SimRuntime.JSON.valueToTree(runtime.profiles().putJson(model, body)));
            } catch (IllegalArgumentException e) {
                error(ctx, 400, e.getMessage());
            }
        });
        router.delete(PROFILES + "*").handler(ctx -> {
            if (runtime.profiles().remove(modelOf(ctx))) {
                json(ctx, 200, runtime.profiles().toJson());
            } else {
                error(ctx, 404, "no profile for model '" + modelOf(ctx) + "'");
            }
        });
        router.get("/_sim/requests").handler(ctx -> json(ctx, 200, SimRuntime.JSON.valueToTree(runtime.counters().all())));
        router.get("/_sim/connections").handler(ctx -> json(ctx, 200,
                SimRuntime.JSON.valueToTree(runtime.connections().counts())));
        router.delete("/_sim/requests").handler(ctx -> {
            runtime.counters().reset();
            json(ctx, 200, SimRuntime.JSON.createObjectNode());
        });
        router.post("/_sim/reset").handler(ctx -> {
            runtime.reset();
            json(ctx, 200, runtime.profiles().toJson());
        });
    }

    /** The raw path after the prefix, decoded, so that {@code meta-llama/Llama-3.3-70B} and its %2F form both work. */
    private static String modelOf(RoutingContext ctx) {
        String path = ctx.request().path();
        int at = path.indexOf(PROFILES);
        return at < 0 ? "" : URLDecoder.decode(path.substring(at + PROFILES.length()), StandardCharsets.UTF_8);
    }

    private static void json(RoutingContext ctx, int status, JsonNode body) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
                .end(SimRuntime.json(body));
    }

    private static void error(RoutingContext ctx, int status, String message) {
        ObjectNode body = SimRuntime.JSON.createObjectNode();
        body.putObject("error").put("message", message);
        json(ctx, status, body);
    }
}
