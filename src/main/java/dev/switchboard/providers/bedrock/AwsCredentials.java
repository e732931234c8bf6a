package dev.switchboard.providers.bedrock;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Static AWS credentials: an access key id, its secret, and the session token of temporary ones (else null). */
public record AwsCredentials(String accessKeyId, String secretAccessKey, String sessionToken) {

    public AwsCredentials {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    }

    /** Every value here, to keep out of messages; the key id is no secret, but it names the account's key. */
    public List<String> values() {
        List<String> values = new ArrayList<>(List.of(accessKeyId, secretAccessKey));
        if (sessionToken != null) {
            values.add(sessionToken);
        }
        return values;
    }

    @Override
    public String toString() {
        return "AwsCredentials[(set)" + (sessionToken != null ? ", with session token" : "") + "]";
    }
}
