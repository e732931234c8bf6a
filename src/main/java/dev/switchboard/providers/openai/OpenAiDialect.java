package dev.switchboard.providers.openai;

import java.net.URI;
import java.util.Locale;

/**
 * Where an OpenAI-compatible host departs from OpenAI, chosen by the provider's slug, else by its base URL's host
 * (an operator may add a provider of their own pointing at one of these). Only what a host would refuse or
 * misread is modelled here; everything else is sent as OpenAI defines it.
 */
enum OpenAiDialect {
    /** api.openai.com: reasoning models (o-series, gpt-5) refuse {@code max_tokens}; "minimal" effort exists. */
    OPENAI(true, true, true, true, "seed", true),
    /** Azure OpenAI: OpenAI's models and parameters, its own URL form and {@code api-key} header. */
    AZURE(true, true, true, true, "seed", true),
    /**
     * Mistral la Plateforme rejects unknown fields with a 422 ({@code stream_options}, {@code user}), calls the seed
     * {@code random_seed}, has no {@code reasoning_effort}, and always ends a stream with usage anyway.
     */
    MISTRAL(false, false, false, false, "random_seed", false),
    /** Every other host (Groq, Together, Fireworks, DeepInfra, DeepSeek, Cerebras, AI Studio, vLLM...). */
    GENERIC(false, true, true, false, "seed", true);

    /** {@code max_completion_tokens} rather than {@code max_tokens}. */
    final boolean maxCompletionTokens;
    /** {@code stream_options: {include_usage: true}} is accepted. */
    final boolean streamOptions;
    /** {@code reasoning_effort} is accepted. */
    final boolean reasoningEffort;
    /** The "minimal" effort level exists (elsewhere it becomes "low"). */
    final boolean minimalEffort;
    final String seedField;
    /** The end-user id field {@code user} is accepted. */
    final boolean user;

    OpenAiDialect(boolean maxCompletionTokens, boolean streamOptions, boolean reasoningEffort, boolean minimalEffort,
                  String seedField, boolean user) {
        this.maxCompletionTokens = maxCompletionTokens;
        this.streamOptions = streamOptions;
        this.reasoningEffort = reasoningEffort;
        this.minimalEffort = minimalEffort;
        this.seedField = seedField;
        this.user = user;
    }

    static OpenAiDialect of(String providerSlug, String baseUrl) {
        String slug = providerSlug == null ? "" : providerSlug.toLowerCase(Locale.ROOT);
        switch (slug) {
            case "openai" -> {
                return OPENAI;
            }
            case "azure" -> {
                return AZURE;
            }
            case "mistral" -> {
                return MISTRAL;
            }
            default -> {
                // decided by host below
            }
        }
        String host = host(baseUrl);
        String path = path(baseUrl);
        if (host.equals("api.openai.com")) {
            return OPENAI;
        }
        if (host.endsWith(".openai.azure.com")
                || host.endsWith(".cognitiveservices.azure.com") && path.startsWith("/openai")) {
            return AZURE;
        }
        if (host.equals("api.mistral.ai")) {
            return MISTRAL;
        }
        return GENERIC;
    }

    private static String host(String url) {
        try {
            String host = URI.create(url).getHost();
            return host == null ? "" : host.toLowerCase(Locale.ROOT);
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static String path(String url) {
        try {
            String path = URI.create(url).getPath();
            return path == null ? "" : path;
        } catch (RuntimeException e) {
            return "";
        }
    }
}
