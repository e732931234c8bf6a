package dev.switchboard.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback listener that counts every TCP connection it accepts, before any byte is read, so that whatever reaches
 * it (plain HTTP, a TLS handshake, a half-open probe) shows in {@link #connections()}. Each HTTP request's first line
 * is kept and answered with the canned {@link Reply} of the moment; then the connection is closed. For tests that
 * prove the gateway connects nowhere it was not configured to.
 */
public final class Canary implements AutoCloseable {

    /** What the canary answers every request with. */
    public record Reply(int status, String contentType, String extraHeader, String body) {

        public static Reply json(int status, String body) {
            return new Reply(status, "application/json", null, body);
        }

        /** A redirect to {@code location}, with a JSON body so nothing else would be needed to read it. */
        public static Reply redirect(String location) {
            return new Reply(307, "application/json", "location: " + location, "{}");
        }
    }

    private final ServerSocket socket;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> requestLines = new ArrayList<>();
    private volatile Reply reply = Reply.json(404, "{\"error\":{\"message\":\"the canary serves nothing\"}}");

    private Canary(ServerSocket socket) {
        this.socket = socket;
        Thread.ofPlatform().daemon().name("canary-" + socket.getLocalPort()).start(this::acceptLoop);
    }

    /** On a free loopback port. */
    public static Canary start() {
        return start(0);
    }

    /** On the given loopback port (0 for a free one). */
    public static Canary start(int port) {
        try {
            return new Canary(new ServerSocket(port, 50, InetAddress.getLoopbackAddress()));
        } catch (IOException e) {
            throw new UncheckedIOException("the canary cannot listen on " + port, e);
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public int connections() {
        return connections.get();
    }

    /** The request lines received so far ({@code POST /v1/chat/completions HTTP/1.1}), in order. */
    public synchronized List<String> requestLines() {
        return List.copyOf(requestLines);
    }

    public synchronized void reset() {
        connections.set(0);
        requestLines.clear();
    }

    public void answer(Reply reply) {
        this.reply = reply;
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            Socket connection;
            try {
                connection = socket.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.incrementAndGet();
            Thread.ofVirtual().start(() -> serve(connection));
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            connection.setSoTimeout(10_000);
            InputStream in = connection.getInputStream();
            String head = readHead(in);
            if (head == null) {
                return;
            }
            synchronized (this) {
                requestLines.add(head.lines().findFirst().orElse(""));
            }
            skipBody(in, head);
            Reply r = reply;
            byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
            String response = "HTTP/1.1 " + r.status() + " Canary\r\ncontent-type: " + r.contentType()
                    + "\r\ncontent-length: " + body.length + "\r\nconnection: close\r\n"
                    + (r.extraHeader() == null ? "" : r.extraHeader() + "\r\n") + "\r\n";
            OutputStream out = connection.getOutputStream();
            out.write(response.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
        } catch (SocketException e) {
            // the client went away or spoke no HTTP (a TLS hello): the connection is counted all the same
        } catch (IOException e) {
            // as above
        }
    }

    /** The request head up to the blank line, or null when the client sent none. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
            if (head.size() > 64 * 1024) {
                return null;
            }
        }
        return null;
    }

    private static void skipBody(InputStream in, String head) throws IOException {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                long length = Long.parseLong(line.substring("content-length:".length()).strip());
                in.skipNBytes(length);
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
