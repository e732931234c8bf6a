package dev.switchboard.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged app ({@code java -jar quarkus-run.jar}) started as an operator would, on a database the test owns,
 * with its output in a log file. For the integration tests that stop databases, send signals and run replicas.
 */
final class AppProcess implements AutoCloseable {

    static final String MASTER_KEY = "sb-it-master-key-0123456789";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    final Path log;
    final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private AppProcess(Path log, Process process, int port) {
        this.log = log;
        this.process = process;
        this.port = port;
    }

    /** Starts an instance on {@code jdbcUrl} (user postgres) with the given extra {@code -D} settings. */
    static AppProcess start(Path log, String jdbcUrl, Map<String, String> settings) throws IOException {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dquarkus.datasource.jdbc.url=" + jdbcUrl,
                "-Dquarkus.datasource.username=postgres",
                "-Dquarkus.datasource.password=",
                "-Dswitchboard.auth.master-key=" + MASTER_KEY));
        // the production warm-up runs, but briefly: these tests are about outages and replicas, not the JIT, and a
        // full warm-up (up to 20 s) per start would be most of their time
        if (!settings.containsKey("switchboard.warmup.max-seconds")) {
            command.add("-Dswitchboard.warmup.max-seconds=2");
        }
        settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-Dquarkus.http.port=" + port);
        command.addAll(List.of("-jar", System.getProperty("app.jar", "target/quarkus-app/quarkus-run.jar")));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("QUARKUS_DATASOURCE_JDBC_URL");
        return new AppProcess(log, builder.start(), port);
    }

    int port() {
        return port;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    String logText() throws IOException {
        return Files.readString(log);
    }

    /** Waits until readiness answers 200, failing with the log when the process dies or the deadline passes. */
    AppProcess awaitReady() throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the app exited with " + process.exitValue() + ":\n" + logText());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            // Polling a process we do not control; the wait ends as soon as it answers.
            process.waitFor(200, TimeUnit.MILLISECONDS);
        }
        throw new AssertionError("the app was not ready within " + START_TIMEOUT + ":\n" + logText());
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .header("authorization", "Bearer " + MASTER_KEY).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A chat completion by {@code key} for the demo catalog's anthropic/claude-sonnet-4 (OpenAI protocol). */
    HttpResponse<String> chat(String key) throws Exception {
        return http.send(HttpRequest.newBuilder(uri("/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json").header("authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"anthropic/claude-sonnet-4\",\"max_tokens\":8,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A gateway key made by the packaged app's keys command: its id and its secret. */
    record CreatedKey(String id, String key) {
    }

    /** {@code keys create <name> <options...>} on the database, as an operator runs it. */
    static CreatedKey createKey(Path dir, String jdbcUrl, String name, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("create", name));
        args.addAll(List.of(options));
        String out = keys(dir, jdbcUrl, args.toArray(String[]::new));
        Matcher created = Pattern.compile("Created gateway key (\\S+) .*?\\n\\s+(sb-\\S+)", Pattern.DOTALL)
                .matcher(out);
        assertThat(created.find()).as(out).isTrue();
        return new CreatedKey(created.group(1), created.group(2));
    }

    /** The packaged app's keys command with {@code args}, on the database; its output, having exited with 0. */
    static String keys(Path dir, String jdbcUrl, String... args) throws Exception {
        Path log = Files.createTempFile(dir, "keys", ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Dquarkus.datasource.jdbc.url=" + jdbcUrl, "-Dquarkus.datasource.username=postgres",
                "-Dquarkus.datasource.password=", "-jar",
                System.getProperty("app.jar", "target/quarkus-app/quarkus-run.jar"), "keys"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    /** The value of a metric line {@code name{buffer="<buffer>",...} value}; NaN when absent. */
    double metric(String name, String buffer) throws Exception {
        return metric(line -> line.startsWith(name + "{") && line.contains("buffer=\"" + buffer + "\""));
    }

    /** The value of a metric without tags, {@code name value}; NaN when absent. */
    double metric(String name) throws Exception {
        return metric(line -> line.startsWith(name + " "));
    }

    private double metric(java.util.function.Predicate<String> line) throws Exception {
        for (String l : get("/q/metrics").body().split("\n")) {
            if (line.test(l)) {
                return Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }

    /** SIGTERM, then waits; a hard kill only if it does not stop within the time. Returns the exit code. */
    int stop(Duration within) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop(Duration.ofSeconds(30));
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
