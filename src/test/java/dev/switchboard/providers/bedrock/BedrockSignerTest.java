package dev.switchboard.providers.bedrock;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BedrockSignerTest {

    static final AwsCredentials CREDENTIALS = new AwsCredentials("AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", null);
    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-14T09:30:00Z"), ZoneOffset.UTC);
    static final String URL = "https://bedrock-runtime.eu-west-1.amazonaws.com/model/"
            + "anthropic.claude-sonnet-4-20250514-v1%3A0/converse";
    static final byte[] BODY = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}]}"
            .getBytes(StandardCharsets.UTF_8);

    static Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("accept", "application/json");
        return headers;
    }

    @Test
    void signsForBedrockInTheRegionWithTheBodysHash() throws Exception {
        Map<String, String> signed = new BedrockSigner(CLOCK).sign("POST", URL, headers(), BODY, "eu-west-1",
                CREDENTIALS);

        assertThat(signed).containsEntry("X-Amz-Date", "20250314T093000Z")
                .containsEntry("Host", "bedrock-runtime.eu-west-1.amazonaws.com")
                .containsEntry("x-amz-content-sha256", hex(sha256(BODY)))
                .containsEntry("content-type", "application/json");
        assertThat(signed.get("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/"
                + "20250314/eu-west-1/bedrock/aws4_request, SignedHeaders=accept;content-type;host;"
                + "x-amz-content-sha256;x-amz-date, Signature=");
        assertThat(signed).doesNotContainKey("X-Amz-Security-Token");
    }

    /**
     * The signature computed by hand after AWS's SigV4 specification, for a non-S3 service: the path (already
     * encoded on the wire, {@code :} as {@code %3A}) is encoded once more in the canonical request.
     */
    @Test
    void theSignatureIsSigV4AsSpecified() throws Exception {
        Map<String, String> signed = new BedrockSigner(CLOCK).sign("POST", URL, headers(), BODY, "eu-west-1",
                CREDENTIALS);
        String payloadHash = hex(sha256(BODY));
        String canonical = "POST\n"
                + "/model/anthropic.claude-sonnet-4-20250514-v1%253A0/converse\n"
                + "\n"
                + "accept:application/json\n"
                + "content-type:application/json\n"
                + "host:bedrock-runtime.eu-west-1.amazonaws.com\n"
                + "x-amz-content-sha256:" + payloadHash + "\n"
                + "x-amz-date:20250314T093000Z\n"
                + "\n"
                + "accept;content-type;host;x-amz-content-sha256;x-amz-date\n"
                + payloadHash;
        String toSign = "AWS4-HMAC-SHA256\n20250314T093000Z\n20250314/eu-west-1/bedrock/aws4_request\n"
                + hex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + CREDENTIALS.secretAccessKey()).getBytes(StandardCharsets.UTF_8), "20250314");
        key = hmac(key, "eu-west-1");
        key = hmac(key, "bedrock");
        key = hmac(key, "aws4_request");
        assertThat(signed.get("Authorization")).endsWith("Signature=" + hex(hmac(key, toSign)));
    }

    @Test
    void temporaryCredentialsSignTheirSessionToken() {
        AwsCredentials temporary = new AwsCredentials("ASIAIOSFODNN7EXAMPLE", "secret", "FwoGZXIvYXdzEJr-token");
        Map<String, String> signed = new BedrockSigner(CLOCK).sign("POST", URL, headers(), BODY, "us-east-1",
                temporary);
        assertThat(signed).containsEntry("X-Amz-Security-Token", "FwoGZXIvYXdzEJr-token");
        assertThat(signed.get("Authorization")).contains("x-amz-date;x-amz-security-token,");
    }

    @Test
    void anotherBodyIsAnotherSignature() {
        BedrockSigner signer = new BedrockSigner(CLOCK);
        String one = signer.sign("POST", URL, headers(), BODY, "us-east-1", CREDENTIALS).get("Authorization");
        String same = signer.sign("POST", URL, headers(), BODY.clone(), "us-east-1", CREDENTIALS).get("Authorization");
        String other = signer.sign("POST", URL, headers(), "{}".getBytes(), "us-east-1", CREDENTIALS)
                .get("Authorization");
        assertThat(same).isEqualTo(one);
        assertThat(other).isNotEqualTo(one);
    }

    @Test
    void credentialsPrintNoSecret() {
        AwsCredentials temporary = new AwsCredentials("ASIAIOSFODNN7EXAMPLE", "secretsecret", "tokentoken");
        assertThat(temporary.toString()).doesNotContain("ASIAIOSFODNN7EXAMPLE").doesNotContain("secretsecret")
                .doesNotContain("tokentoken");
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
