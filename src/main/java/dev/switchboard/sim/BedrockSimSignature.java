package dev.switchboard.sim;

import io.vertx.core.http.HttpServerRequest;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Verifies a request's SigV4 signature as AWS does, with the AWS SDK's own signer: the request is signed again with
 * the secret of the access key id it names, over the headers it says it signed, at the time it says it signed, and
 * the two signatures are compared. A wrong secret, a changed body, header or path, or a stale date all fail, with
 * the error AWS answers (403 InvalidSignatureException, UnrecognizedClientException for an unknown key id, 400
 * IncompleteSignatureException for an Authorization header that is not SigV4, 403 MissingAuthenticationToken).
 */
final class BedrockSimSignature {

    /** A refusal: status, the AWS error type, the message. */
    record Refusal(int status, String type, String message) {
    }

    static final String SERVICE = "bedrock";
    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final Duration MAX_SKEW = Duration.ofMinutes(5);
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    private BedrockSimSignature() {
    }

    /**
     * Null when the signature is right.
     *
     * @param secrets the secret access key of an access key id, null for an unknown one
     */
    static Refusal verify(HttpServerRequest request, byte[] body, Function<String, String> secrets, Instant now) {
        String authorization = request.getHeader("authorization");
        if (authorization == null || authorization.isBlank()) {
            return new Refusal(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        if (!authorization.startsWith(ALGORITHM + " ")) {
            return new Refusal(400, "IncompleteSignatureException", "Authorization header requires 'Credential' "
                    + "parameter. Authorization header requires 'Signature' parameter. Authorization header requires "
                    + "'SignedHeaders' parameter. Authorization=" + firstWord(authorization));
        }
        Map<String, String> fields = fields(authorization.substring(ALGORITHM.length() + 1));
        String credential = fields.get("Credential");
        String signedHeaders = fields.get("SignedHeaders");
        String signature = fields.get("Signature");
        if (credential == null || signedHeaders == null || signature == null) {
            return new Refusal(400, "IncompleteSignatureException", "Authorization header requires 'Credential', "
                    + "'Signature' and 'SignedHeaders' parameters. Authorization=" + ALGORITHM);
        }
        String[] scope = credential.split("/");
        if (scope.length != 5 || !scope[4].equals("aws4_request")) {
            return new Refusal(400, "IncompleteSignatureException", "Credential should be scoped to a valid region, "
                    + "service and terminated by 'aws4_request'.");
        }
        String secret = secrets.apply(scope[0]);
        if (secret == null) {
            return new Refusal(403, "UnrecognizedClientException",
                    "The security token included in the request is invalid.");
        }
        if (!scope[3].equals(SERVICE)) {
            return new Refusal(403, "InvalidSignatureException", "Credential should be scoped to correct service: '"
                    + SERVICE + "'. ");
        }
        String amzDate = request.getHeader("x-amz-date");
        Instant signedAt;
        try {
            signedAt = AMZ_DATE.parse(amzDate == null ? "" : amzDate, Instant::from);
        } catch (DateTimeParseException e) {
            return new Refusal(400, "IncompleteSignatureException", "Authorization header requires existence of "
                    + "either a 'X-Amz-Date' or a 'Date' header.");
        }
        if (!scope[1].equals(amzDate.substring(0, 8))) {
            return new Refusal(403, "InvalidSignatureException", "Date in Credential scope does not match YYYYMMDD "
                    + "from ISO-8601 version of date from HTTP: '" + scope[1] + "' != '" + amzDate.substring(0, 8)
                    + "', from '" + amzDate + "'.");
        }
        if (signedAt.isBefore(now.minus(MAX_SKEW))) {
            return new Refusal(403, "InvalidSignatureException", "Signature expired: " + amzDate + " is now earlier "
                    + "than " + AMZ_DATE.format(now.minus(MAX_SKEW)) + " (" + AMZ_DATE.format(now) + " - 5 min.)");
        }
        if (signedAt.isAfter(now.plus(MAX_SKEW))) {
            return new Refusal(403, "InvalidSignatureException", "Signature not yet current: " + amzDate
                    + " is still later than " + AMZ_DATE.format(now.plus(MAX_SKEW)) + " (" + AMZ_DATE.format(now)
                    + " + 5 min.)");
        }
        String expected = resign(request, body, scope, secret, signedHeaders.split(";"), signedAt);
        if (expected == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII))) {
            return new Refusal(403, "InvalidSignatureException", "The request signature we calculated does not match "
                    + "the signature you provided. Check your AWS Secret Access Key and signing method. Consult the "
                    + "service documentation for details.");
        }
        return null;
    }

    /** The signature the SDK's signer makes of this request with this secret; null if it cannot be rebuilt. */
    private static String resign(HttpServerRequest request, byte[] body, String[] scope, String secret,
                                 String[] signedHeaders, Instant signedAt) {
        // Vert.x keeps the Host header as the request's authority (and for some clients not among the headers)
        String host = request.authority() != null ? request.authority().toString() : request.getHeader("host");
        if (host == null) {
            return null;
        }
        SdkHttpRequest.Builder copy;
        try {
            // the path exactly as it came (still percent-encoded): the signer encodes it once more, as the client's did
            copy = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(request.method().name()))
                    .uri(URI.create("http://" + host + request.uri()));
        } catch (IllegalArgumentException e) {
            return null;
        }
        for (String name : signedHeaders) {
            if (name.equals("host")) {
                // the signer writes Host from the URI, which was built from it
                continue;
            }
            List<String> values = request.headers().getAll(name);
            if (values.isEmpty()) {
                return null;
            }
            copy.putHeader(name, values);
        }
        boolean unsignedPayload = "UNSIGNED-PAYLOAD".equals(request.getHeader("x-amz-content-sha256"));
        SignedRequest signed = SIGNER.sign(r -> r
                .identity(AwsCredentialsIdentity.create(scope[0], secret))
                .request(copy.build())
                .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, scope[3])
                .putProperty(AwsV4HttpSigner.REGION_NAME, scope[2])
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, !unsignedPayload)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)));
        String authorization = signed.request().firstMatchingHeader("Authorization").orElse("");
        int at = authorization.indexOf("Signature=");
        return at < 0 ? null : authorization.substring(at + "Signature=".length()).strip();
    }

    private static Map<String, String> fields(String parameters) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : parameters.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
            }
        }
        return fields;
    }

    private static String firstWord(String authorization) {
        int space = authorization.indexOf(' ');
        return (space < 0 ? authorization : authorization.substring(0, space)).toUpperCase(Locale.ROOT);
    }
}
