package dev.switchboard.observe;

import dev.switchboard.testing.SwitchboardTestProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * The shared test profile with traces on, exported to the in-test collector ({@link
 * dev.switchboard.testing.OtlpCollector}) as soon as a span ends. A second Quarkus boot, for the tracing test only.
 * The collector's port is chosen here, before boot, and handed to the test through a system property (the test and
 * its profile need not share a class loader).
 */
public class TracingTestProfile extends SwitchboardTestProfile {

    static final String PORT_PROPERTY = "switchboard.test.otlp-port";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        config.put("switchboard.tracing.otlp-endpoint", "http://127.0.0.1:" + collectorPort());
        // the batch processor's shortest useful delay, so the test waits milliseconds, not the default 5 s
        config.put("quarkus.otel.bsp.schedule.delay", "20ms");
        return config;
    }

    static synchronized int collectorPort() {
        String chosen = System.getProperty(PORT_PROPERTY);
        if (chosen != null) {
            return Integer.parseInt(chosen);
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            System.setProperty(PORT_PROPERTY, Integer.toString(socket.getLocalPort()));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
