package dev.switchboard.routing;

import dev.switchboard.llm.ChatMessage;
import dev.switchboard.llm.ChatRequest;
import dev.switchboard.llm.ContentPart;
import dev.switchboard.llm.Role;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What makes a session, and the bounded memory of which endpoint served it last. */
class StickySessionsTest {

    static final String LONG_SYSTEM = "You are a careful assistant. ".repeat(100); // ~2900 chars

    /** A clock the test moves. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final ManualClock clock = new ManualClock();
    final StickySessions sessions = new StickySessions(true, Duration.ofMinutes(5), 3, 2048, clock);

    static ChatRequest withUser(ChatRequest c, String user) {
        return new ChatRequest(c.model(), c.system(), c.messages(), c.tools(), c.toolChoice(), c.maxTokens(),
                c.temperature(), c.topP(), c.topK(), c.stop(), c.seed(), c.frequencyPenalty(), c.presencePenalty(),
                c.responseFormat(), c.reasoning(), user, c.metadata());
    }

    static final ChatRequest SHORT = ChatRequest.builder("m").user("Hi").build();

    @Test
    void sessionComesFromTheHeaderThenTheUserThenTheCacheablePrefix() {
        assertThat(StickySessions.sessionOf("abc", withUser(SHORT, "u1"), 2048)).isEqualTo("session:abc");
        assertThat(StickySessions.sessionOf(" ", withUser(SHORT, "u1"), 2048)).isEqualTo("user:u1");
        assertThat(StickySessions.sessionOf(null, SHORT, 2048)).as("too short to be cached").isNull();

        ChatRequest first = ChatRequest.builder("m").system(LONG_SYSTEM).user("Question one").build();
        ChatRequest later = ChatRequest.builder("m").system(LONG_SYSTEM).user("Question one").assistant("Answer")
                .user("Question two").build();
        ChatRequest other = ChatRequest.builder("m").system(LONG_SYSTEM).user("Another question").build();
        String session = StickySessions.sessionOf(null, first, 2048);
        assertThat(session).startsWith("prefix:");
        assertThat(StickySessions.sessionOf(null, later, 2048)).as("the conversation grew, same prefix")
                .isEqualTo(session);
        assertThat(StickySessions.sessionOf(null, other, 2048)).isNotEqualTo(session);
    }

    @Test
    void aCacheBreakpointMakesTheSessionWhateverItsLength() {
        ChatRequest marked = new ChatRequest("m", List.of(new ContentPart.Text("Short system", true)),
                List.of(ChatMessage.user("one")), List.of(), null, null, null, null, null, null, null, null, null,
                null, null, null, null);
        ChatRequest grown = new ChatRequest("m", List.of(new ContentPart.Text("Short system", true)),
                List.of(ChatMessage.user("one"), ChatMessage.assistant("two"), ChatMessage.user("three")), List.of(),
                null, null, null, null, null, null, null, null, null, null, null, null, null);
        ChatRequest inMessage = new ChatRequest("m", List.of(), List.of(new ChatMessage(Role.USER,
                List.of(new ContentPart.Text("doc", true), ContentPart.Text.of("question")))), List.of(), null, null,
                null, null, null, null, null, null, null, null, null, null, null);
        String session = StickySessions.sessionOf(null, marked, 2048);
        assertThat(session).startsWith("cached:");
        assertThat(StickySessions.sessionOf(null, grown, 2048)).isEqualTo(session);
        assertThat(StickySessions.sessionOf(null, inMessage, 2048)).startsWith("cached:").isNotEqualTo(session);
    }

    @Test
    void rememberedPerKeyAndModel() {
        RoutingRequest alpha = RoutingRequest.of("a/alpha");
        StickySession mine = sessions.lookup("key-1", alpha, SHORT, "s1");
        assertThat(mine.key()).isNotNull();
        assertThat(mine.endpointId()).isNull();
        sessions.served(mine, 7);
        assertThat(sessions.lookup("key-1", alpha, SHORT, "s1").endpointId()).isEqualTo(7L);
        assertThat(sessions.lookup("key-2", alpha, SHORT, "s1").endpointId()).as("another key").isNull();
        assertThat(sessions.lookup("key-1", RoutingRequest.of("a/beta"), SHORT, "s1").endpointId())
                .as("another model").isNull();
        assertThat(sessions.lookup("key-1", alpha, SHORT, "s2").endpointId()).as("another session").isNull();
        assertThat(sessions.lookup("key-1", alpha, SHORT, null)).as("no session").isEqualTo(StickySession.NONE);
        sessions.served(StickySession.NONE, 9);
        assertThat(sessions.size()).isEqualTo(1);
    }

    @Test
    void optOutAndDisabledMeanNoSession() {
        RoutingRequest optOut = new RoutingRequest("a/alpha", List.of(), List.of(), List.of(), List.of(), true, null,
                null, null, false, List.of(), null, null, false, false, false);
        assertThat(sessions.lookup("k", optOut, SHORT, "s1")).isEqualTo(StickySession.NONE);
        StickySessions off = new StickySessions(false, Duration.ofMinutes(5), 3, 2048, clock);
        assertThat(off.lookup("k", RoutingRequest.of("a/alpha"), SHORT, "s1")).isEqualTo(StickySession.NONE);
    }

    @Test
    void idleSessionsExpireAndTheLeastRecentlyUsedGoesFirst() {
        RoutingRequest alpha = RoutingRequest.of("a/alpha");
        sessions.served(sessions.lookup("k", alpha, SHORT, "s1"), 1);
        clock.now = clock.now.plus(Duration.ofMinutes(4));
        assertThat(sessions.lookup("k", alpha, SHORT, "s1").endpointId()).isEqualTo(1L);
        clock.now = clock.now.plus(Duration.ofMinutes(4));
        assertThat(sessions.lookup("k", alpha, SHORT, "s1").endpointId()).as("served 8 min ago, 5 min TTL")
                .isNull();

        sessions.served(sessions.lookup("k", alpha, SHORT, "a"), 1);
        sessions.served(sessions.lookup("k", alpha, SHORT, "b"), 2);
        sessions.served(sessions.lookup("k", alpha, SHORT, "c"), 3);
        sessions.lookup("k", alpha, SHORT, "a"); // a is now more recent than b
        sessions.served(sessions.lookup("k", alpha, SHORT, "d"), 4);
        assertThat(sessions.size()).isEqualTo(3);
        assertThat(sessions.lookup("k", alpha, SHORT, "b").endpointId()).as("least recently used, pushed out")
                .isNull();
        assertThat(sessions.lookup("k", alpha, SHORT, "a").endpointId()).isEqualTo(1L);
        assertThat(sessions.lookup("k", alpha, SHORT, "d").endpointId()).isEqualTo(4L);
    }
}
