package dev.switchboard.providers;

import java.util.Optional;

/**
 * What the operator configured for one provider under {@code switchboard.provider.<slug>.*}. Secrets are held as
 * given but never printed: {@link #toString()} names only which credentials are present.
 */
public record ProviderSettings(
        String slug,
        Optional<String> baseUrl,
        Optional<String> apiKey,
        Optional<String> region,
        Optional<String> project,
        Optional<String> credentialsFile,
        Optional<String> accessKeyId,
        Optional<String> secretAccessKey,
        Optional<String> sessionToken,
        boolean enabled) {

    /** Credentials enough for the provider's kind to make a call. */
    public boolean hasCredentials(ProviderKind kind) {
        return switch (kind) {
            case OPENAI, ANTHROPIC -> apiKey.isPresent();
            case VERTEX -> credentialsFile.isPresent() || apiKey.isPresent();
            case BEDROCK -> accessKeyId.isPresent() && secretAccessKey.isPresent() || apiKey.isPresent();
        };
    }

    @Override
    public String toString() {
        return "ProviderSettings[" + slug
                + ", baseUrl=" + baseUrl.orElse("(catalog default)")
                + ", apiKey=" + (apiKey.isPresent() ? "(set)" : "(none)")
                + ", region=" + region.orElse("(default)")
                + ", project=" + project.orElse("(none)")
                + ", credentialsFile=" + (credentialsFile.isPresent() ? "(set)" : "(none)")
                + ", accessKeyId=" + (accessKeyId.isPresent() ? "(set)" : "(none)")
                + ", secretAccessKey=" + (secretAccessKey.isPresent() ? "(set)" : "(none)")
                + ", sessionToken=" + (sessionToken.isPresent() ? "(set)" : "(none)")
                + ", enabled=" + enabled + "]";
    }
}
