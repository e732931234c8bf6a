package dev.switchboard.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A Google service account the simulator trusts: the token endpoint verifies JWT assertions signed by it. Built from a
 * service-account key JSON (as Google issues them), from a PEM public key, or generated; one that holds its private
 * key can write a key JSON for clients, with a {@code token_uri} pointing at the simulator.
 *
 * @param privateKey null when only the public key is known
 */
public record SimServiceAccount(String clientEmail, String privateKeyId, PublicKey publicKey, PrivateKey privateKey) {

    public SimServiceAccount {
        Objects.requireNonNull(clientEmail, "clientEmail");
        Objects.requireNonNull(publicKey, "publicKey");
    }

    /** A fresh 2048-bit RSA account (generation takes a fraction of a second). */
    public static SimServiceAccount generate(String clientEmail) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            String keyId = HexFormat.of().formatHex(pair.getPublic().getEncoded(), 0, 20);
            return new SimServiceAccount(clientEmail, keyId, pair.getPublic(), pair.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an RSA key", e);
        }
    }

    /** From a service-account key JSON ({@code client_email}, {@code private_key_id}, {@code private_key} PEM). */
    public static SimServiceAccount fromJson(String json) {
        try {
            JsonNode node = SimRuntime.JSON.readTree(json);
            String email = node.path("client_email").asText("");
            String pem = node.path("private_key").asText("");
            if (email.isEmpty() || pem.isEmpty()) {
                throw new IllegalArgumentException("a service-account key needs client_email and private_key");
            }
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            PrivateKey privateKey = rsa.generatePrivate(new PKCS8EncodedKeySpec(pemBody(pem, "PRIVATE KEY")));
            if (!(privateKey instanceof RSAPrivateCrtKey crt)) {
                throw new IllegalArgumentException("the private key is not an RSA key");
            }
            PublicKey publicKey = rsa.generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
            String keyId = node.path("private_key_id").asText(null);
            return new SimServiceAccount(email, keyId, publicKey, privateKey);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("not a service-account key JSON: " + e.getMessage(), e);
        }
    }

    /** From the account's email and its PEM public key ({@code -----BEGIN PUBLIC KEY-----}, X.509). */
    public static SimServiceAccount fromPublicKey(String clientEmail, String pem) {
        try {
            PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(pemBody(pem,
                    "PUBLIC KEY")));
            return new SimServiceAccount(clientEmail, null, key, null);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an RSA public key in PEM: " + e.getMessage(), e);
        }
    }

    /**
     * The key JSON a client loads (Google's layout), with {@code token_uri} pointing where tokens are to come from.
     * Only an account that holds its private key can write one.
     */
    public String toKeyJson(String tokenUri, String projectId) {
        if (privateKey == null) {
            throw new IllegalStateException("this account has no private key to write");
        }
        ObjectNode key = SimRuntime.JSON.createObjectNode();
        key.put("type", "service_account");
        key.put("project_id", projectId);
        key.put("private_key_id", privateKeyId);
        key.put("private_key", pem("PRIVATE KEY", privateKey.getEncoded()));
        key.put("client_email", clientEmail);
        key.put("client_id", String.valueOf(Math.abs(new SplittableRandom(clientEmail.hashCode()).nextLong())));
        key.put("auth_uri", "https://accounts.google.com/o/oauth2/auth");
        key.put("token_uri", tokenUri);
        key.put("auth_provider_x509_cert_url", "https://www.googleapis.com/oauth2/v1/certs");
        key.put("universe_domain", "googleapis.com");
        return key.toPrettyString();
    }

    /** The public key in PEM, for configuring a simulator that must not see the private key. */
    public String publicKeyPem() {
        return pem("PUBLIC KEY", publicKey.getEncoded());
    }

    @Override
    public String toString() {
        return "SimServiceAccount[" + clientEmail + ", keyId=" + privateKeyId + "]";
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] pemBody(String pem, String type) {
        String body = pem.replace("-----BEGIN " + type + "-----", "").replace("-----END " + type + "-----", "")
                .replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }
}
