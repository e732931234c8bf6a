package dev.switchboard.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.providers.ProviderKind;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DemoModeTest {

    private static DemoMode demo(String setting) {
        DemoMode demo = new DemoMode();
        demo.setting = setting;
        return demo;
    }

    @Test
    void autoIsOnExactlyWhenNoProviderHasCredentials() {
        assertThat(demo("auto").active(false)).isTrue();
        assertThat(demo("auto").active(true)).isFalse();
        assertThat(demo("on").active(true)).isTrue();
        assertThat(demo("OFF").active(false)).isFalse();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> demo("maybe").active(false));
        assertThat(e.getMessage()).contains("switchboard.demo").contains("auto, on or off").contains("maybe");
    }

    @Test
    void eachKindReachesTheSimulatorInItsOwnUrlForm() {
        String sim = "http://127.0.0.1:4010";
        assertThat(DemoMode.baseUrl(sim, "groq", ProviderKind.OPENAI)).isEqualTo(sim + "/v1");
        assertThat(DemoMode.baseUrl(sim, "azure", ProviderKind.OPENAI)).isEqualTo(sim + "/openai");
        assertThat(DemoMode.baseUrl(sim, "anthropic", ProviderKind.ANTHROPIC)).isEqualTo(sim);
        assertThat(DemoMode.baseUrl(sim, "amazon-bedrock", ProviderKind.BEDROCK)).isEqualTo(sim);
    }

    @Test
    void vertexIsBackedByTheSimulatorsOwnServiceAccount() throws Exception {
        try (SimTestServer sim = new SimTestServer()) {
            String file = DemoMode.writeVertexKeyFile(sim.server);
            JsonNode key = SimRuntime.JSON.readTree(Files.readString(Path.of(file)));
            assertThat(key.path("type").asText()).isEqualTo("service_account");
            assertThat(key.path("token_uri").asText()).isEqualTo(sim.baseUrl + "/token");
            assertThat(key.path("project_id").asText()).isEqualTo("switchboard-demo");
            assertThat(Files.getPosixFilePermissions(Path.of(file))).containsExactlyInAnyOrder(
                    PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            assertThat(DemoMode.baseUrl(sim.baseUrl, "google-vertex", ProviderKind.VERTEX)).isEqualTo(sim.baseUrl);
        }
    }

    @Test
    void providersDifferAsRealOnesDo() {
        assertThat(DemoProfiles.forProvider("groq").ttftMs()).isLessThan(DemoProfiles.forProvider("amazon-bedrock").ttftMs());
        assertThat(DemoProfiles.forProvider("cerebras").tokensPerSecond())
                .isGreaterThan(DemoProfiles.forProvider("anthropic").tokensPerSecond());
        // an operator's own provider gets stable figures
        assertThat(DemoProfiles.forProvider("acme-cloud")).isEqualTo(DemoProfiles.forProvider("acme-cloud"));
        assertThat(DemoProfiles.forProvider("acme-cloud").ttftMs()).isBetween(250.0, 1150.0);
    }
}
