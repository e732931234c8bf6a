package dev.switchboard.routing;

import dev.switchboard.llm.ChatMessage;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ContentPart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;

/**
 * Which endpoint last served each session, so that the next request of the session goes there while it is healthy
 * and the provider's prompt cache keeps hitting, instead of the default TTFT order moving it. Keyed by (calling key,
 * model, session): two keys never share a session. A bounded LRU with an idle TTL, in this replica's memory only (a
 * load balancer with session affinity keeps a session on one replica).
 * <p>
 * The session of a request: the {@code x-session-id} header; else the caller's user ({@code user} on OpenAI,
 * {@code metadata.user_id} on Anthropic); else a hash of the cacheable prefix — the content up to the first cache
 * breakpoint ({@code cache_control}) when the request marks one, else the system prompt and first message when they
 * are at least {@code min-prefix-chars} long. Both stay the same while a conversation grows.
 */
@ApplicationScoped
public class StickySessions {

    private final boolean enabled;
    private final long ttlMillis;
    private final int maxSessions;
    private final int minPrefixChars;
    private final Clock clock;

    /** Access-ordered: the eldest entry is the least recently used. Guarded by itself. */
    private final LinkedHashMap<String, Entry> sessions = new LinkedHashMap<>(256, 0.75f, true);

    private record Entry(long endpointId, long touchedMillis) {
    }

    @Inject
    public StickySessions(StickyConfig config) {
        this(config.enabled(), config.idleTtl(), config.maxSessions(), config.minPrefixChars(), Clock.systemUTC());
    }

    StickySessions(boolean enabled, Duration idleTtl, int maxSessions, int minPrefixChars, Clock clock) {
        this.enabled = enabled;
        this.ttlMillis = idleTtl.toMillis();
        this.maxSessions = Math.max(1, maxSessions);
        this.minPrefixChars = minPrefixChars;
        this.clock = clock;
    }

    /**
     * The session of a request and the endpoint that last served it; {@link StickySession#NONE} when stickiness is
     * off, the request opted out ({@code provider.sticky: false}) or it belongs to no session.
     */
    public StickySession lookup(String keyId, RoutingRequest routing, ChatRequest chat, String sessionHeader) {
        if (!enabled || !routing.sticky()) {
            return StickySession.NONE;
        }
        String session = sessionOf(sessionHeader, chat, minPrefixChars);
        if (session == null) {
            return StickySession.NONE;
        }
        String key = hash((keyId == null ? "-" : keyId) + '\n' + routing.model() + '\n' + session);
        long now = clock.millis();
        synchronized (sessions) {
            Entry entry = sessions.get(key);
            if (entry == null) {
                return new StickySession(key, null);
            }
            if (now - entry.touchedMillis() > ttlMillis) {
                sessions.remove(key);
                return new StickySession(key, null);
            }
            return new StickySession(key, entry.endpointId());
        }
    }

    /** The session was served by this endpoint: its next request goes there first while it is healthy. */
    public void served(StickySession session, long endpointId) {
        if (session == null || session.key() == null) {
            return;
        }
        long now = clock.millis();
        synchronized (sessions) {
            sessions.put(session.key(), new Entry(endpointId, now));
            if (sessions.size() > maxSessions) {
                var eldest = sessions.entrySet().iterator();
                eldest.next();
                eldest.remove();
            }
        }
    }

    /** How many sessions are remembered (expired ones until they are next looked up or pushed out). */
    public int size() {
        synchronized (sessions) {
            return sessions.size();
        }
    }

    /** Forgets every session. */
    public void clear() {
        synchronized (sessions) {
            sessions.clear();
        }
    }

    /** What names the request's session, before hashing; null when it has none. */
    static String sessionOf(String header, ChatRequest chat, int minPrefixChars) {
        if (header != null && !header.isBlank()) {
            return "session:" + header.strip();
        }
        if (chat.user() != null && !chat.user().isBlank()) {
            return "user:" + chat.user().strip();
        }
        StringBuilder prefix = new StringBuilder();
        boolean breakpoint = appendUntilBreakpoint(prefix, chat.system());
        if (!breakpoint) {
            prefix.append('\u0000');
            for (ChatMessage message : chat.messages()) {
                prefix.append(message.role()).append('\u0000');
                if (appendUntilBreakpoint(prefix, message.content())) {
                    breakpoint = true;
                    break;
                }
                prefix.append('\u0001');
            }
        }
        if (breakpoint) {
            return "cached:" + hash(prefix.toString());
        }
        // no breakpoint: the system prompt and first message, when long enough for a provider to cache
        StringBuilder first = new StringBuilder();
        appendUntilBreakpoint(first, chat.system());
        first.append('\u0000');
        if (!chat.messages().isEmpty()) {
            appendUntilBreakpoint(first, chat.messages().getFirst().content());
        }
        return first.length() - 1 >= minPrefixChars ? "prefix:" + hash(first.toString()) : null;
    }

    /** Appends the parts' content; true when a part carries a cache breakpoint (it is included, the rest is not). */
    private static boolean appendUntilBreakpoint(StringBuilder into, Iterable<ContentPart> parts) {
        for (ContentPart part : parts) {
            if (part instanceof ContentPart.Text text) {
                into.append(text.text());
                if (text.cacheBreakpoint()) {
                    return true;
                }
            } else if (part instanceof ContentPart.Image image) {
                // the data's hash code, not a digest: a collision only costs stickiness, a digest of megabytes costs
                // every request
                into.append("[image:").append(image.url() != null ? image.url()
                        : image.data() == null ? "" : image.data().length() + "/" + image.data().hashCode())
                        .append(']');
            } else if (part instanceof ContentPart.ToolCall call) {
                into.append("[call:").append(call.name()).append(':').append(call.arguments()).append(']');
            } else if (part instanceof ContentPart.ToolResult result) {
                into.append("[result:").append(result.toolCallId()).append(':');
                if (appendUntilBreakpoint(into, result.content())) {
                    return true;
                }
                into.append(']');
            } else {
                into.append('[').append(part.getClass().getSimpleName()).append(']');
            }
        }
        return false;
    }

    private static String hash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
