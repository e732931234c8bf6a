package dev.switchboard.providers.vertex;

import com.google.api.client.http.HttpResponseException;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.ServiceAccountCredentials;
import dev.switchboard.llm.UpstreamError;
import dev.switchboard.llm.UpstreamErrorKind;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OAuth2 access tokens for Vertex AI, one cache entry per service-account key file. Google's auth library does the
 * work (reads the key, signs the JWT-bearer assertion, posts it to the key's {@code token_uri}); it blocks, so every
 * load and refresh runs on a worker, never on the event loop. A token is reused until {@link #REFRESH_MARGIN} before
 * it expires; from then on it is still handed out while it has {@link #MIN_VALIDITY} left and a single refresh runs
 * in the background, so callers wait only for the first token or for one that has all but run out. Concurrent
 * callers share one refresh, which makes one attempt (no library retries). A failed refresh is not remembered: the
 * next call tries again. The key file is read
 * again when it changes, so a rotated key needs no restart. Token values appear in no log line and no message.
 */
@ApplicationScoped
public class VertexAccessTokens {

    static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);
    static final Duration MIN_VALIDITY = Duration.ofSeconds(30);
    static final List<String> SCOPES = List.of("https://www.googleapis.com/auth/cloud-platform");

    private static final Logger LOG = Logger.getLogger(VertexAccessTokens.class);
    private static final Pattern OAUTH_ERROR = Pattern.compile("\"error\"\\s*:\\s*\"([a-z_]+)\"");
    private static final Pattern OAUTH_DESCRIPTION =
            Pattern.compile("\"error_description\"\\s*:\\s*\"([^\"]{1,200})\"");

    private final Executor blocking;
    private final Clock clock;
    private final ConcurrentMap<Path, Account> accounts = new ConcurrentHashMap<>();

    public VertexAccessTokens() {
        this(Infrastructure.getDefaultWorkerPool(), Clock.systemUTC());
    }

    /** @param blocking where the auth library's blocking work runs; @param clock for tests that move time */
    VertexAccessTokens(Executor blocking, Clock clock) {
        this.blocking = blocking;
        this.clock = clock;
    }

    /** An access token, and the project of the key file, for a service-account key file. */
    public record Token(String value, Instant expiresAt, String projectId) {
        @Override
        public String toString() {
            return "Token[expiresAt=" + expiresAt + ", projectId=" + projectId + "]";
        }
    }

    /** A valid token for the key file; fails with {@link UpstreamErrorKind#AUTHENTICATION} for a bad key or grant. */
    public Uni<Token> token(String credentialsFile) {
        Path file = Path.of(credentialsFile).toAbsolutePath().normalize();
        return accounts.computeIfAbsent(file, Account::new).token();
    }

    /** Forgets the token of a key file (after the provider refused it: it may have been revoked). */
    public void invalidate(String credentialsFile) {
        Account account = accounts.get(Path.of(credentialsFile).toAbsolutePath().normalize());
        if (account != null) {
            account.invalidate();
        }
    }

    private final class Account {

        private final Path file;
        private Token current;
        private Uni<Token> refreshing;
        private ServiceAccountCredentials credentials;
        private FileTime loadedVersion;

        Account(Path file) {
            this.file = file;
        }

        synchronized Uni<Token> token() {
            Instant now = clock.instant();
            Token token = current;
            if (token != null && now.plus(REFRESH_MARGIN).isBefore(token.expiresAt())) {
                return Uni.createFrom().item(token);
            }
            if (refreshing == null) {
                refreshing = Uni.createFrom().item(this::refresh)
                        .runSubscriptionOn(blocking)
                        .onItemOrFailure().invoke(this::refreshed)
                        .memoize().indefinitely();
                if (token != null && now.plus(MIN_VALIDITY).isBefore(token.expiresAt())) {
                    // still good for a while: refresh in the background, hand out the current one meanwhile
                    refreshing.subscribe().with(t -> { }, failure -> LOG.warnf(
                            "Background refresh of a Vertex AI access token failed: %s", failure.getMessage()));
                    return Uni.createFrom().item(token);
                }
            } else if (token != null && now.plus(MIN_VALIDITY).isBefore(token.expiresAt())) {
                return Uni.createFrom().item(token);
            }
            return refreshing;
        }

        private synchronized void refreshed(Token token, Throwable failure) {
            if (token != null) {
                current = token;
            }
            refreshing = null;
        }

        synchronized void invalidate() {
            current = null;
        }

        /** Blocking: runs on the worker. */
        private Token refresh() {
            ServiceAccountCredentials account = load();
            AccessToken token;
            try {
                token = account.refreshAccessToken();
            } catch (IOException e) {
                throw grantFailure(e);
            } catch (RuntimeException e) {
                // the library's own words may name the account or the file: not passed on
                throw UpstreamError.of(UpstreamErrorKind.AUTHENTICATION,
                        "Could not get an access token with this provider's service account");
            }
            Instant expiresAt = token.getExpirationTime() != null ? token.getExpirationTime().toInstant()
                    : clock.instant().plus(Duration.ofHours(1));
            return new Token(token.getTokenValue(), expiresAt, account.getProjectId());
        }

        private ServiceAccountCredentials load() {
            try {
                FileTime version = Files.getLastModifiedTime(file);
                synchronized (this) {
                    if (credentials != null && version.equals(loadedVersion)) {
                        return credentials;
                    }
                }
                ServiceAccountCredentials loaded;
                try (InputStream in = Files.newInputStream(file)) {
                    // one attempt, as everywhere in the adapters: the library's own retries (seconds of back-off)
                    // would hold the call; the next call tries again, and routing may go elsewhere meanwhile
                    loaded = ((ServiceAccountCredentials) ServiceAccountCredentials.fromStream(in).createScoped(SCOPES))
                            .createWithCustomRetryStrategy(false);
                }
                synchronized (this) {
                    credentials = loaded;
                    loadedVersion = version;
                }
                return loaded;
            } catch (NoSuchFileException e) {
                throw UpstreamError.of(UpstreamErrorKind.AUTHENTICATION,
                        "The service-account key file configured for this provider does not exist");
            } catch (IOException | RuntimeException e) {
                // the library's message may quote the file: say what is wrong without it
                throw UpstreamError.of(UpstreamErrorKind.AUTHENTICATION, "The service-account key file configured "
                        + "for this provider cannot be read as a service-account key");
            }
        }

        /**
         * Google's token endpoint refused or failed: a refused grant (a revoked or unknown key, a bad signature) is
         * our credentials' fault; a 5xx or no answer is the endpoint's. The OAuth error code and description are
         * safe to show; the library's own message (which names the account) is not passed on.
         */
        private UpstreamError grantFailure(IOException e) {
            HttpResponseException http = null;
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof HttpResponseException h) {
                    http = h;
                    break;
                }
            }
            if (http == null) {
                return UpstreamError.of(UpstreamErrorKind.CONNECTION,
                        "Could not get an access token: Google's token endpoint did not answer");
            }
            String content = http.getContent() == null ? "" : http.getContent();
            Matcher error = OAUTH_ERROR.matcher(content);
            Matcher description = OAUTH_DESCRIPTION.matcher(content);
            String said = (error.find() ? error.group(1) : "HTTP " + http.getStatusCode())
                    + (description.find() ? ": " + description.group(1) : "");
            UpstreamErrorKind kind = http.getStatusCode() >= 500 ? UpstreamErrorKind.SERVER_ERROR
                    : UpstreamErrorKind.AUTHENTICATION;
            return new UpstreamError(kind, http.getStatusCode(), null, kind == UpstreamErrorKind.AUTHENTICATION
                    ? "Google's token endpoint refused the service account's credentials"
                    : "Google's token endpoint failed to issue an access token", said);
        }
    }
}
