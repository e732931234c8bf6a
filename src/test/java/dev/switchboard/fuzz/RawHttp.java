package dev.switchboard.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, so a test can send what HTTP clients refuse to: CR or LF inside header values,
 * broken request lines, invalid UTF-8 in a path. One request per connection ({@code Connection: close}); the
 * request is written from a second thread so an early answer (413, 431) is read even while the rest is still
 * being sent.
 */
public final class RawHttp {

    /** A status of 0 means the server closed the connection without answering, -1 that it did not finish in 15 s. */
    public record Answer(int status, Map<String, String> headers, byte[] body) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final int port;

    public RawHttp(int port) {
        this.port = port;
    }

    public Answer send(byte[] request, boolean endInput) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    out.write(request);
                    out.flush();
                    if (endInput) {
                        // a server waiting for bytes a bad Content-Length promised learns that none will come
                        socket.shutdownOutput();
                    }
                } catch (IOException e) {
                    // the server answered early and closed: what it said is read below
                }
            });
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] chunk = new byte[16384];
            try {
                int n;
                while ((n = in.read(chunk)) > 0) {
                    received.write(chunk, 0, n);
                    if (received.size() > 8 * 1024 * 1024) {
                        throw new AssertionError("An answer over 8 MiB");
                    }
                }
            } catch (SocketTimeoutException e) {
                return new Answer(-1, Map.of(), received.toByteArray());
            } catch (IOException e) {
                // a reset after the answer (unread request bytes on the server's side) loses nothing read so far
            }
            writer.interrupt();
            return parse(received.toByteArray());
        }
    }

    static Answer parse(byte[] raw) {
        int headEnd = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0);
        if (raw.length == 0 || headEnd < 0) {
            return new Answer(0, Map.of(), raw);
        }
        String[] head = new String(raw, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = head[0].split(" ", 3);
        int status = Integer.parseInt(statusLine[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < head.length; i++) {
            int colon = head[i].indexOf(':');
            if (colon > 0) {
                headers.merge(head[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        head[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
            }
        }
        int start = headEnd + 4;
        byte[] body = java.util.Arrays.copyOfRange(raw, start, raw.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Answer(status, headers, body);
    }

    private static byte[] dechunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < body.length) {
            int lineEnd = indexOf(body, new byte[] {'\r', '\n'}, at);
            if (lineEnd < 0) {
                break;
            }
            String size = new String(body, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int length = Integer.parseInt(size, 16);
            if (length == 0) {
                break;
            }
            out.write(body, lineEnd + 2, Math.min(length, body.length - lineEnd - 2));
            at = lineEnd + 2 + length + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, byte[] what, int from) {
        outer:
        for (int i = from; i <= data.length - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (data[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
