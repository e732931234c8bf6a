package dev.switchboard.providers.bedrock;

import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs a Bedrock request with SigV4 through the AWS SDK's {@link AwsV4HttpSigner}: service {@code bedrock}, the
 * endpoint's region, the body's SHA-256 in the signature. Signing is a few HMACs over bytes already in memory, so it
 * runs on the event loop. Credentials go into the signature and, for temporary ones, the
 * {@code X-Amz-Security-Token} header; nothing here logs or prints them.
 */
final class BedrockSigner {

    static final String SERVICE = "bedrock";

    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    private final Clock clock;

    BedrockSigner() {
        this(Clock.systemUTC());
    }

    /** @param clock the time of the signature (tests fix it) */
    BedrockSigner(Clock clock) {
        this.clock = clock;
    }

    /**
     * The headers to send: the given ones plus {@code Authorization}, {@code X-Amz-Date}, {@code Host} and, for
     * temporary credentials, {@code X-Amz-Security-Token}.
     *
     * @param url the request URL, its path already percent-encoded as it goes on the wire
     */
    Map<String, String> sign(String method, String url, Map<String, String> headers, byte[] body, String region,
                             AwsCredentials credentials) {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(method))
                .uri(URI.create(url));
        headers.forEach(request::putHeader);
        AwsCredentialsIdentity identity = credentials.sessionToken() == null
                ? AwsCredentialsIdentity.create(credentials.accessKeyId(), credentials.secretAccessKey())
                : AwsSessionCredentialsIdentity.create(credentials.accessKeyId(), credentials.secretAccessKey(),
                        credentials.sessionToken());
        SignedRequest signed = SIGNER.sign(r -> r
                .identity(identity)
                .request(request.build())
                .payload(body == null ? null : ContentStreamProvider.fromByteArrayUnsafe(body))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, SERVICE)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> header : signed.request().headers().entrySet()) {
            out.put(header.getKey(), String.join(",", header.getValue()));
        }
        return out;
    }
}
