package dev.switchboard.sim;

import java.util.Map;

/**
 * Realistic, varied behaviour for each provider in demo mode, so that a newcomer's portal shows providers that
 * differ the way real ones do: a fast inference host beside a slower cloud, a provider that rate-limits now and
 * then. Known providers get hand-set figures in the range their public benchmarks show; others get figures derived
 * from their slug, stable across restarts.
 */
public final class DemoProfiles {

    private static final Map<String, SimProfile> KNOWN = Map.ofEntries(
            Map.entry("anthropic", profile(650, 65, 0.004, 0.003)),
            Map.entry("openai", profile(450, 85, 0.003, 0.004)),
            Map.entry("azure", profile(520, 80, 0.004, 0.002)),
            Map.entry("google-vertex", profile(700, 110, 0.004, 0.002)),
            Map.entry("google-ai-studio", profile(600, 130, 0.006, 0.008)),
            Map.entry("amazon-bedrock", profile(900, 55, 0.008, 0.004)),
            Map.entry("groq", profile(180, 480, 0.006, 0.015)),
            Map.entry("cerebras", profile(160, 1400, 0.006, 0.012)),
            Map.entry("together", profile(380, 150, 0.006, 0.006)),
            Map.entry("fireworks", profile(330, 170, 0.005, 0.006)),
            Map.entry("deepinfra", profile(520, 75, 0.008, 0.005)),
            Map.entry("deepseek", profile(1300, 35, 0.015, 0.010)),
            Map.entry("mistral", profile(420, 110, 0.005, 0.006)),
            Map.entry("alibaba", profile(850, 70, 0.008, 0.004)));

    private DemoProfiles() {
    }

    public static SimProfile forProvider(String slug) {
        SimProfile known = KNOWN.get(slug);
        if (known != null) {
            return known;
        }
        int h = Math.abs(slug.hashCode());
        return profile(250 + h % 900, 40 + (h / 7) % 300, 0.002 + (h % 7) / 1000.0, 0.002 + (h % 5) / 1000.0);
    }

    private static SimProfile profile(double ttftMs, double tokensPerSecond, double serverErrorRate,
                                      double rateLimitedRate) {
        return SimProfile.builder()
                .ttftMs(ttftMs).ttftSpread(0.35)
                .tokensPerSecond(tokensPerSecond)
                .outputTokens(120).outputTokensSpread(0.5)
                .serverErrorRate(serverErrorRate)
                .rateLimitedRate(rateLimitedRate).retryAfterSeconds(2)
                .build();
    }
}
