package dev.switchboard.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.routing.RoutingRequest;

/**
 * One parsed and validated proxy request, whichever protocol it came in.
 *
 * @param chat           the request in our neutral form; its model is the caller's model string until routing
 *                       picks an endpoint
 * @param routing        the caller's routing wishes
 * @param stream         whether the caller asked for a stream
 * @param includeUsage   OpenAI: whether the caller asked for the usage chunk ({@code stream_options.include_usage});
 *                       the gateway sends usage at the end of every stream regardless, so this is informative only
 * @param body           the caller's JSON body, for the pass-through path; routing extensions still in it
 * @param hedge          what the caller asked of hedged requests ({@code provider.hedge} and side effects)
 */
public record ProxyRequest(ChatRequest chat, RoutingRequest routing, boolean stream, boolean includeUsage,
                           ObjectNode body, HedgeRequest hedge) {

    /** As the dialects parse it: no hedging asked until {@link #withHedge} says otherwise. */
    public ProxyRequest(ChatRequest chat, RoutingRequest routing, boolean stream, boolean includeUsage,
                        ObjectNode body) {
        this(chat, routing, stream, includeUsage, body, HedgeRequest.NOT_GIVEN);
    }

    public ProxyRequest withRouting(RoutingRequest routing) {
        return new ProxyRequest(chat, routing, stream, includeUsage, body, hedge);
    }

    public ProxyRequest withHedge(HedgeRequest hedge) {
        return new ProxyRequest(chat, routing, stream, includeUsage, body, hedge);
    }
}
