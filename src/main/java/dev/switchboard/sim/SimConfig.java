package dev.switchboard.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@link SimServer} starts with. Profiles are keyed by the upstream model id a request names (the OpenAI
 * {@code model}, the Azure deployment, the Anthropic {@code model}); any other model gets {@code defaultProfile}.
 *
 * @param host interface to bind
 * @param seed seeds every random choice: the same seed and the same requests per model give the same outcomes,
 *        TTFTs and texts
 * @param defaultProfile the profile of models without one of their own
 * @param profiles per model id
 * @param apiKeys the keys the OpenAI and Anthropic protocols accept (Bedrock too, as API keys sent as bearer tokens,
 *        and the Gemini API's)
 * @param awsCredentials the AWS access key ids the Bedrock protocol knows, each with its secret access key, against
 *        which it verifies SigV4 signatures
 * @param googleServiceAccounts the service accounts whose signed JWTs the Google token endpoint takes (Vertex AI);
 *        none means one made up by the simulator (see {@link SimGoogleAuth})
 */
public record SimConfig(String host, long seed, SimProfile defaultProfile, Map<String, SimProfile> profiles,
        Set<String> apiKeys, Map<String, String> awsCredentials, List<SimServiceAccount> googleServiceAccounts) {

    /** The key accepted when none is configured; it is public on purpose, the simulator guards nothing. */
    public static final String DEFAULT_API_KEY = "sim-key-1";
    /** The AWS access key id accepted when none is configured; public on purpose, as the API key. */
    public static final String DEFAULT_AWS_ACCESS_KEY_ID = "AKIDSIMULATOR000001";
    /** The secret access key of {@link #DEFAULT_AWS_ACCESS_KEY_ID}. */
    public static final String DEFAULT_AWS_SECRET_ACCESS_KEY = "simulator/Secret/Access/Key/0000000000000";

    public SimConfig {
        profiles = Map.copyOf(profiles);
        apiKeys = Set.copyOf(apiKeys);
        awsCredentials = Map.copyOf(awsCredentials);
        googleServiceAccounts = googleServiceAccounts == null ? List.of() : List.copyOf(googleServiceAccounts);
        if (apiKeys.isEmpty()) {
            throw new IllegalArgumentException("at least one API key is needed");
        }
    }

    public static SimConfig defaults() {
        return new SimConfig("127.0.0.1", 42L, SimProfile.DEFAULT, Map.of(), Set.of(DEFAULT_API_KEY),
                Map.of(DEFAULT_AWS_ACCESS_KEY_ID, DEFAULT_AWS_SECRET_ACCESS_KEY), List.of());
    }

    public SimConfig withHost(String host) {
        return new SimConfig(host, seed, defaultProfile, profiles, apiKeys, awsCredentials, googleServiceAccounts);
    }

    public SimConfig withSeed(long seed) {
        return new SimConfig(host, seed, defaultProfile, profiles, apiKeys, awsCredentials, googleServiceAccounts);
    }

    public SimConfig withDefaultProfile(SimProfile profile) {
        return new SimConfig(host, seed, profile, profiles, apiKeys, awsCredentials, googleServiceAccounts);
    }

    public SimConfig withProfile(String model, SimProfile profile) {
        Map<String, SimProfile> copy = new LinkedHashMap<>(profiles);
        copy.put(model, profile);
        return new SimConfig(host, seed, defaultProfile, copy, apiKeys, awsCredentials, googleServiceAccounts);
    }

    public SimConfig withProfiles(SimProfiles.Snapshot snapshot) {
        Map<String, SimProfile> copy = new LinkedHashMap<>(profiles);
        copy.putAll(snapshot.models());
        return new SimConfig(host, seed, snapshot.defaultProfile(), copy, apiKeys, awsCredentials,
                googleServiceAccounts);
    }

    public SimConfig withApiKeys(Set<String> keys) {
        return new SimConfig(host, seed, defaultProfile, profiles, keys, awsCredentials, googleServiceAccounts);
    }

    /** The AWS credentials the Bedrock protocol accepts: access key id to secret access key. */
    public SimConfig withAwsCredentials(Map<String, String> credentials) {
        return new SimConfig(host, seed, defaultProfile, profiles, apiKeys, credentials, googleServiceAccounts);
    }

    /** Trusts one more service account (the first one configured replaces the made-up default). */
    public SimConfig withGoogleServiceAccount(SimServiceAccount account) {
        List<SimServiceAccount> accounts = new ArrayList<>(googleServiceAccounts);
        accounts.add(account);
        return new SimConfig(host, seed, defaultProfile, profiles, apiKeys, awsCredentials, accounts);
    }
}
