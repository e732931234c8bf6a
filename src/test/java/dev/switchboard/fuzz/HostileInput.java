package dev.switchboard.fuzz;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Malformed and hostile requests for every public endpoint, drawn from one seeded {@link Random} so a failing case
 * can be replayed from the seed and its index. Bodies are built as bytes, not strings, so they can hold what a JSON
 * library would refuse to write (invalid UTF-8, NaN, unbalanced nesting, duplicate keys).
 */
final class HostileInput {

    /** Which protocol's error shape an answer must have. */
    enum Shape { OPENAI, ANTHROPIC, API_JSON, HTML, ANY_ERROR, PROTOCOL }

    record Case(int index, String kind, Shape shape, String method, byte[] bytes) {
    }

    /** The filler of huge strings: an answer holding a long run of it echoed the bad value. */
    static final char FILLER = 'Z';

    private final Random random;
    private final String key;
    private final List<String> models;

    HostileInput(long seed, String key, List<String> models) {
        this.random = new Random(seed);
        this.key = key;
        this.models = models;
    }

    Case next(int index) {
        int pick = random.nextInt(100);
        if (pick < 30) {
            return proxyBody(index, true);
        }
        if (pick < 55) {
            return proxyBody(index, false);
        }
        if (pick < 63) {
            return proxyHeaders(index);
        }
        if (pick < 70) {
            return requestLine(index);
        }
        if (pick < 85) {
            return portal(index);
        }
        if (pick < 95) {
            return api(index);
        }
        return admin(index);
    }

    // --- JSON bodies for the proxy -------------------------------------------------------------------------------

    /** A JSON value written as it stands (which may not be valid JSON at all). */
    private record Raw(byte[] bytes) {
    }

    /** An object as a list of entries, so a key may appear twice. */
    private record Obj(List<Map.Entry<String, Object>> entries) {
        Obj with(String name, Object value) {
            List<Map.Entry<String, Object>> copy = new ArrayList<>();
            boolean replaced = false;
            for (Map.Entry<String, Object> e : entries) {
                if (e.getKey().equals(name) && !replaced) {
                    copy.add(Map.entry(name, value == null ? NULL : value));
                    replaced = true;
                } else {
                    copy.add(e);
                }
            }
            if (!replaced) {
                copy.add(Map.entry(name, value == null ? NULL : value));
            }
            return new Obj(copy);
        }

        Obj duplicate(String name, Object value) {
            List<Map.Entry<String, Object>> copy = new ArrayList<>(entries);
            copy.add(Map.entry(name, value == null ? NULL : value));
            return new Obj(copy);
        }

        Object get(String name) {
            return entries.stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).findFirst()
                    .orElse(null);
        }
    }

    private static final Raw NULL = new Raw("null".getBytes(StandardCharsets.US_ASCII));

    private static Obj obj(Object... pairs) {
        List<Map.Entry<String, Object>> entries = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            entries.add(Map.entry((String) pairs[i], pairs[i + 1]));
        }
        return new Obj(entries);
    }

    private Obj openAiBase() {
        return obj("model", pick(models), "max_tokens", 5, "messages",
                List.of(obj("role", "system", "content", "Be brief."), obj("role", "user", "content", "Hi")));
    }

    private Obj anthropicBase() {
        return obj("model", pick(models), "max_tokens", 5, "system", "Be brief.", "messages",
                List.of(obj("role", "user", "content", List.of(obj("type", "text", "text", "Hi")))));
    }

    private static final String[] OPENAI_FIELDS = {"model", "messages", "max_tokens", "max_completion_tokens",
        "temperature", "top_p", "stream", "stream_options", "stop", "n", "tools", "tool_choice", "response_format",
        "provider", "models", "reasoning", "user", "seed", "logit_bias", "presence_penalty", "frequency_penalty",
        "parallel_tool_calls", "provider_routing_strategy", "messages.0", "messages.1.role", "messages.1.content",
        "messages.1.content.0", "messages.1.content.0.type", "messages.1.content.0.text",
        "messages.1.content.0.image_url", "messages.1.tool_calls", "messages.1.name", "provider.order",
        "provider.only", "provider.ignore", "provider.sort", "provider.max_price", "provider.max_price.prompt",
        "provider.allow_fallbacks", "provider.routing", "provider.routing.type", "provider.fallback",
        "provider.quantizations", "provider.preferred_max_latency", "reasoning.effort", "reasoning.max_tokens",
        "tools.0", "tools.0.function", "tools.0.function.parameters", "stream_options.include_usage"};

    private static final String[] ANTHROPIC_FIELDS = {"model", "messages", "max_tokens", "system", "tools",
        "tool_choice", "thinking", "temperature", "top_p", "top_k", "stop_sequences", "metadata", "stream",
        "provider", "models", "messages.0", "messages.0.role", "messages.0.content", "messages.0.content.0",
        "messages.0.content.0.type", "messages.0.content.0.text", "messages.0.content.0.source",
        "messages.0.content.0.source.data", "system.0", "system.0.text", "thinking.type", "thinking.budget_tokens",
        "tools.0", "tools.0.input_schema", "tool_choice.type", "metadata.user_id", "provider.order",
        "provider.sort", "provider.max_price"};

    private Case proxyBody(int index, boolean openAi) {
        Obj body = openAi ? openAiBase() : anthropicBase();
        String kind;
        byte[] bytes;
        int how = random.nextInt(100);
        if (how < 70) {
            int times = 1 + (random.nextInt(4) == 0 ? 1 : 0);
            StringBuilder k = new StringBuilder();
            Object tree = body;
            for (int i = 0; i < times; i++) {
                String path = pick(openAi ? OPENAI_FIELDS : ANTHROPIC_FIELDS);
                Hostile value = hostileValue();
                tree = set(tree, path.split("\\."), 0, new Raw(value.bytes()));
                k.append(i == 0 ? "" : "+").append(path).append('=').append(value.kind());
            }
            kind = k.toString();
            bytes = write(tree);
        } else if (how < 80) {
            String field = pick(new String[] {"model", "max_tokens", "messages", "stream", "temperature"});
            Hostile value = hostileValue();
            kind = "duplicate " + field + "=" + value.kind();
            bytes = write(body.duplicate(field, new Raw(value.bytes())));
        } else {
            Hostile whole = wholeBody(body);
            kind = "body " + whole.kind();
            bytes = whole.bytes();
        }
        String path = openAi ? pick(new String[] {"/v1/chat/completions", "/api/v1/chat/completions"})
                : pick(new String[] {"/v1/messages", "/api/v1/messages"});
        List<String> headers = new ArrayList<>(List.of("Content-Type: application/json"));
        headers.addAll(auth(openAi));
        return new Case(index, (openAi ? "openai " : "anthropic ") + kind, openAi ? Shape.OPENAI : Shape.ANTHROPIC,
                "POST", request("POST", path, headers, bytes));
    }

    private List<String> auth(boolean openAi) {
        return openAi ? List.of("Authorization: Bearer " + key)
                : List.of("x-api-key: " + key, "anthropic-version: 2023-06-01");
    }

    @SuppressWarnings("unchecked")
    private static Object set(Object node, String[] path, int at, Object value) {
        if (at == path.length) {
            return value;
        }
        String step = path[at];
        if (node instanceof Obj o) {
            Object child = o.get(step);
            return o.with(step, set(child == null ? obj() : child, path, at + 1, value));
        }
        if (node instanceof List<?> list && step.chars().allMatch(Character::isDigit)) {
            List<Object> copy = new ArrayList<>((List<Object>) list);
            int i = Integer.parseInt(step);
            while (copy.size() <= i) {
                copy.add(obj());
            }
            copy.set(i, set(copy.get(i), path, at + 1, value));
            return copy;
        }
        // a string or number where the path goes on: it becomes an object holding the rest
        return set(obj(), path, at, value);
    }

    private static byte[] write(Object tree) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(tree, out);
        return out.toByteArray();
    }

    private static void write(Object node, ByteArrayOutputStream out) {
        switch (node) {
            case Raw raw -> out.writeBytes(raw.bytes());
            case Obj o -> {
                out.write('{');
                boolean first = true;
                for (Map.Entry<String, Object> e : o.entries()) {
                    if (!first) {
                        out.write(',');
                    }
                    first = false;
                    out.writeBytes(quote(e.getKey()));
                    out.write(':');
                    write(e.getValue(), out);
                }
                out.write('}');
            }
            case List<?> list -> {
                out.write('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.write(',');
                    }
                    write(list.get(i), out);
                }
                out.write(']');
            }
            case String s -> out.writeBytes(quote(s));
            default -> out.writeBytes(String.valueOf(node).getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static byte[] quote(String s) {
        return ("\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"").getBytes(StandardCharsets.UTF_8);
    }

    record Hostile(String kind, byte[] bytes) {
        static Hostile ascii(String kind, String text) {
            return new Hostile(kind, text.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private Hostile hostileValue() {
        int pick = random.nextInt(12);
        return switch (pick) {
            case 0 -> {
                int size = pick(new Integer[] {300, 5_000, 100_000, 1_000_000, 3_000_000});
                yield Hostile.ascii("string of " + size, "\"" + String.valueOf(FILLER).repeat(size) + "\"");
            }
            case 1 -> {
                int depth = pick(new Integer[] {64, 130, 1_000, 10_000, 100_000});
                yield random.nextBoolean()
                        ? Hostile.ascii("arrays " + depth + " deep", "[".repeat(depth) + "]".repeat(depth))
                        : Hostile.ascii("objects " + depth + " deep", "{\"a\":".repeat(depth) + "1"
                                + "}".repeat(depth));
            }
            case 2, 3 -> {
                String n = pick(new String[] {"-1", "0", "-0", "1e400", "-1e400", "1e-400", "1e999999999",
                    "-1e999999999", "99999999999999999999999999999", "2147483648", "-2147483649", "1.5", "0.0000001",
                    "9223372036854775808", "1E+2147483647", "123456789012345678901234567890.5"});
                yield Hostile.ascii("number " + n, n);
            }
            case 4 -> {
                String n = pick(new String[] {"NaN", "Infinity", "-Infinity", "0x10", "01", ".5", "1e", "+1", "--1",
                    "1_000"});
                yield Hostile.ascii("bad number " + n, n);
            }
            case 5, 6 -> {
                String v = pick(new String[] {"true", "false", "null", "[]", "{}", "[null]", "[1,2]", "{\"a\":1}",
                    "\"\"", "\"12\"", "\"true\"", "[\"x\"]", "[{}]", "[[]]", "{\"type\":null}", "{\"role\":7}",
                    "[{\"role\":\"user\"}]", "[{\"role\":\"user\",\"content\":null}]",
                    "[{\"role\":\"nobody\",\"content\":\"x\"}]", "[{\"type\":\"image_url\"}]"});
                yield Hostile.ascii("value " + v, v);
            }
            case 7 -> {
                String v = pick(new String[] {"\"\\u0000\"", "\"a\\u0000b\"", "\"\\ud800\"", "\"\\udfff\\ud800\"",
                    "\"<script>alert(1)</script>\"", "\"\\r\\nX-Injected: 1\"", "\"%00%ff\"", "\"\\x41\"",
                    "\"\\u12\"", "\"unterminated", "\"tab\there\"", "\"new\nline\"", "\"../../etc/passwd\"",
                    "\"a/b:c:d\"", "\":nitro\"", "\"/\"", "\"${jndi:ldap://x}\"", "\"{#if}\""});
                yield Hostile.ascii("string " + v, v);
            }
            case 8 -> {
                byte[][] bad = {{(byte) 0xC3, 0x28}, {(byte) 0xFF, (byte) 0xFE}, {(byte) 0xED, (byte) 0xA0,
                    (byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                    {(byte) 0xE2, (byte) 0x82}, {0}};
                byte[] b = bad[random.nextInt(bad.length)];
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write('"');
                out.writeBytes("ab".getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(b);
                out.write('"');
                yield new Hostile("invalid utf-8 " + java.util.HexFormat.of().formatHex(b), out.toByteArray());
            }
            case 9 -> {
                int n = pick(new Integer[] {1_000, 20_000, 200_000});
                StringBuilder s = new StringBuilder("[");
                for (int i = 0; i < n; i++) {
                    s.append(i == 0 ? "" : ",").append("{\"role\":\"user\",\"content\":\"x\"}");
                }
                yield Hostile.ascii(n + " messages", s.append(']').toString());
            }
            case 10 -> {
                int n = pick(new Integer[] {100, 10_000, 100_000});
                StringBuilder s = new StringBuilder("{");
                for (int i = 0; i < n; i++) {
                    s.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
                }
                yield Hostile.ascii("object of " + n + " keys", s.append('}').toString());
            }
            default -> {
                byte[] junk = new byte[1 + random.nextInt(64)];
                random.nextBytes(junk);
                yield new Hostile("random bytes", junk);
            }
        };
    }

    private Hostile wholeBody(Obj valid) {
        byte[] good = write(valid);
        return switch (random.nextInt(10)) {
            case 0 -> Hostile.ascii("empty", "");
            case 1 -> new Hostile("truncated", java.util.Arrays.copyOf(good, random.nextInt(good.length)));
            case 2 -> Hostile.ascii("top-level " + "array", "[" + new String(good, StandardCharsets.UTF_8) + "]");
            case 3 -> Hostile.ascii("top-level scalar", pick(new String[] {"1", "\"x\"", "null", "true", "1e999"}));
            case 4 -> new Hostile("two documents", (new String(good, StandardCharsets.UTF_8) + " {}")
                    .getBytes(StandardCharsets.UTF_8));
            case 5 -> new Hostile("trailing garbage", (new String(good, StandardCharsets.UTF_8) + "\u0000xyz")
                    .getBytes(StandardCharsets.UTF_8));
            case 6 -> {
                byte[] junk = new byte[1 + random.nextInt(4096)];
                random.nextBytes(junk);
                yield new Hostile("random bytes", junk);
            }
            case 7 -> new Hostile("utf-16", new String(good, StandardCharsets.UTF_8)
                    .getBytes(StandardCharsets.UTF_16));
            case 8 -> new Hostile("bom", ("\uFEFF" + new String(good, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8));
            default -> Hostile.ascii("comments", "/* c */" + new String(good, StandardCharsets.UTF_8));
        };
    }

    // --- headers and request lines -------------------------------------------------------------------------------

    private Case proxyHeaders(int index) {
        boolean openAi = random.nextBoolean();
        Obj body = openAi ? openAiBase() : anthropicBase();
        byte[] bytes = write(body);
        String path = openAi ? "/v1/chat/completions" : "/v1/messages";
        Shape shape = openAi ? Shape.OPENAI : Shape.ANTHROPIC;
        List<String> headers = new ArrayList<>();
        String kind;
        switch (random.nextInt(12)) {
            case 0 -> {
                String type = pick(new String[] {"text/plain", "application/xml", "application/json; charset=utf-16",
                    "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "\u0001\u0002",
                    "application/json;;;", "*/*", "application/" + "x".repeat(2000)});
                headers.add("Content-Type: " + type);
                headers.addAll(auth(openAi));
                kind = "content-type " + abbreviate(type);
            }
            case 1 -> {
                headers.addAll(auth(openAi));
                kind = "no content-type";
            }
            case 2 -> {
                String accept = pick(new String[] {"application/xml", "text/event-stream", "*/*;q=garbage", "",
                    "image/png", "text/html;q=0.1, application/json;q=x"});
                headers.add("Content-Type: application/json");
                headers.add("Accept: " + accept);
                headers.addAll(auth(openAi));
                kind = "accept " + accept;
            }
            case 3 -> {
                String value = pick(new String[] {"Bearer", "Bearer ", "Basic Zm9vOmJhcg==", "Bearer sb-\u0000x",
                    "Bearer " + "k".repeat(6000), "bearer " + key, "Bearer " + key + " extra", "\u00ff\u00fe"});
                headers.add("Content-Type: application/json");
                headers.add((openAi ? "Authorization: " : "x-api-key: ") + value);
                kind = "key " + abbreviate(value);
            }
            case 4 -> {
                int size = pick(new Integer[] {9_000, 30_000, 70_000});
                headers.add("Content-Type: application/json");
                headers.addAll(auth(openAi));
                headers.add("X-Big: " + "h".repeat(size));
                kind = "header of " + size;
                shape = Shape.PROTOCOL;
            }
            case 5 -> {
                int count = pick(new Integer[] {100, 1_000, 3_000});
                headers.add("Content-Type: application/json");
                headers.addAll(auth(openAi));
                for (int i = 0; i < count; i++) {
                    headers.add("X-Many-" + i + ": v");
                }
                kind = count + " headers";
                shape = Shape.PROTOCOL;
            }
            case 6 -> {
                headers.add("Content-Type: application/json");
                headers.addAll(auth(openAi));
                String injected = pick(new String[] {"a\rb", "a\nInjected: 1", "a\u0000b", " folded\r\n continued",
                    "a\r\n\r\nGET / HTTP/1.1"});
                headers.add("X-Inject: " + injected);
                kind = "header injection " + abbreviate(injected.replace("\r", "\\r").replace("\n", "\\n"));
                shape = Shape.PROTOCOL;
            }
            case 7 -> {
                headers.add("Content-Type: application/json");
                headers.addAll(auth(openAi));
                String bad = pick(new String[] {"No colon here", "X Bad: 1", ": empty-name", "X-Ü: 1"});
                headers.add(bad);
                kind = "bad header line " + bad;
                shape = Shape.PROTOCOL;
            }
            case 8 -> {
                headers.add("Content-Type: application/json");
                headers.addAll(auth(openAi));
                headers.add("Content-Length: " + pick(new String[] {"-1", "abc", "99999999999999999999", "1, 2"}));
                headers.add("Transfer-Encoding: chunked");
                kind = "conflicting framing";
                shape = Shape.PROTOCOL;
                return new Case(index, kind, shape, "POST", requestFramed("POST", path, headers,
                        "zz\r\nnot a chunk\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            }
            case 9 -> {
                headers.add("Content-Type: application/json");
                headers.addAll(auth(openAi));
                headers.add("Transfer-Encoding: chunked");
                kind = "bad chunks";
                shape = Shape.PROTOCOL;
                return new Case(index, kind, shape, "POST", requestFramed("POST", path, headers,
                        pick(new String[] {"fffffffffffffff\r\nx\r\n", "5\r\nab\r\n0\r\n\r\n", "-3\r\nabc\r\n"})
                                .getBytes(StandardCharsets.US_ASCII)));
            }
            case 10 -> {
                headers.add("Content-Type: application/json");
                headers.addAll(auth(openAi));
                headers.add("Content-Length: " + (bytes.length + 1 + random.nextInt(50)));
                kind = "content-length longer than the body";
                shape = Shape.PROTOCOL;
                return new Case(index, kind, shape, "POST", requestFramed("POST", path, headers, bytes));
            }
            default -> {
                headers.add("Content-Type: application/json");
                headers.addAll(auth(openAi));
                headers.add("Content-Encoding: " + pick(new String[] {"gzip", "br", "deflate", "x-unknown"}));
                kind = "content-encoding the body does not have";
            }
        }
        boolean controlCharacters = headers.stream().anyMatch(h -> h.chars().anyMatch(ch -> ch < 0x20 || ch > 0x7e));
        return new Case(index, kind, controlCharacters ? Shape.PROTOCOL : shape, "POST",
                request("POST", path, headers, bytes));
    }

    private Case requestLine(int index) {
        String target = pick(new String[] {"/v1/chat/completions", "/v1/messages", "/v1/models", "/api/v1/models",
            "/models", "/"});
        Shape shape = shapeOf(target);
        switch (random.nextInt(3)) {
            case 0 -> {
                String method = pick(new String[] {"PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO", "GET"});
                String useTarget = method.equals("GET") && target.startsWith("/v1/") && !target.equals("/v1/models")
                        ? target : target;
                List<String> headers = new ArrayList<>(List.of("Content-Type: application/json"));
                headers.addAll(auth(!target.equals("/v1/messages")));
                return new Case(index, "method " + method + " " + useTarget, shape, method,
                        request(method, useTarget, headers, "{}".getBytes(StandardCharsets.US_ASCII)));
            }
            case 1 -> {
                String path = pick(new String[] {target + "%zz", target + "%", "/v1/%00", target + "/../../etc/passwd",
                    "//v1//models", "/%c0%af", "/models/%ff%fe/x", "/v1/models;jsessionid=1", target + "?%zz=%zz",
                    "/api/v1/models/a%2Fb/c/endpoints", "/" + "p".repeat(3000), "/models/" + "m/".repeat(500),
                    "/models\u00ff", "/api/v1/models?q=\u00e9\u00ff"});
                List<String> headers = new ArrayList<>(auth(true));
                return new Case(index, "path " + abbreviate(path), beforeRoutes(path, headers) ? Shape.PROTOCOL
                        : Shape.ANY_ERROR, "GET",
                        request("GET", path, headers, new byte[0]));
            }
            default -> {
                String line = pick(new String[] {"GET " + target + " HTTP/1.0", "GET " + target + " HTTP/2.0",
                    "GET " + target + " HTTP/1.2", "GET " + target + " HTTPX", "GET " + target,
                    "G ET " + target + " HTTP/1.1", "GET  " + target + "  HTTP/1.1", "get " + target + " HTTP/1.1",
                    "GET http://elsewhere.example" + target + " HTTP/1.1", "GET * HTTP/1.1",
                    "GET /" + "x".repeat(5000) + " HTTP/1.1", "\u0000\u0001\u0002"});
                byte[] bytes = (line + "\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1);
                return new Case(index, "request line " + abbreviate(line), Shape.PROTOCOL, "GET", bytes);
            }
        }
    }

    // --- portal, JSON API and admin forms ------------------------------------------------------------------------

    private static final String[] MODEL_PARAMS = {"q", "provider", "vendor", "input", "output", "min_context",
        "max_price", "capability", "availability", "sort", "page"};

    private String hostileParam() {
        return switch (random.nextInt(8)) {
            case 0 -> URLEncoder.encode(String.valueOf(FILLER).repeat(pick(new Integer[] {150, 201, 300, 1000, 3000})),
                    StandardCharsets.UTF_8);
            case 1 -> pick(new String[] {"%00", "%ff%fe", "%zz", "%", "a%00b", "%c0%af", "%ed%a0%80", "+", "%20"});
            case 2 -> pick(new String[] {"1e999999999", "-1", "NaN", "Infinity", "99999999999999999999", "0",
                "-99999999999999999999", "1e-999999999", "0x10", "1.5", "-0", "2147483648"});
            case 3 -> URLEncoder.encode(pick(new String[] {"<script>alert(1)</script>", "\"'><", "{#if}", "${x}",
                "\r\nX-Injected: 1", "日本語", "\uD83D\uDE00"}), StandardCharsets.UTF_8);
            case 4 -> "";
            case 5 -> pick(new String[] {"price", "newest", "latency", "zzz", "PRICE", "configured", "all", "tools"});
            case 6 -> URLEncoder.encode("a".repeat(random.nextInt(120)), StandardCharsets.UTF_8);
            default -> URLEncoder.encode(pick(models), StandardCharsets.UTF_8);
        };
    }

    private String query(String[] names) {
        StringBuilder q = new StringBuilder();
        int count = random.nextInt(10) == 0 ? 300 : 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            q.append(i == 0 ? "?" : "&").append(pick(names)).append('=').append(hostileParam());
        }
        return q.toString();
    }

    private String segment() {
        return switch (random.nextInt(6)) {
            case 0 -> "routelab";
            case 1 -> pick(new String[] {"%00", "%2F", "..", "%2e%2e", "%ff", "a%20b", "%3Cscript%3E", "solo:x"});
            case 2 -> String.valueOf(FILLER).repeat(pick(new Integer[] {300, 1500}));
            case 3 -> pick(models).replace("/", "%2F");
            case 4 -> "solo";
            default -> URLEncoder.encode("日本", StandardCharsets.UTF_8);
        };
    }

    private Case portal(int index) {
        String path = switch (random.nextInt(5)) {
            case 0 -> "/models" + query(MODEL_PARAMS);
            case 1 -> "/" + query(MODEL_PARAMS);
            case 2 -> "/models/" + segment() + "/" + segment() + query(new String[] {"window", "q"});
            case 3 -> "/providers/" + segment() + query(new String[] {"window"});
            default -> "/models/" + pick(models) + query(new String[] {"window"});
        };
        List<String> headers = new ArrayList<>();
        if (random.nextInt(3) == 0) {
            headers.add("HX-Request: " + pick(new String[] {"true", "false", "\u0001", "x".repeat(500)}));
        }
        if (random.nextInt(4) == 0) {
            headers.add("Accept: " + pick(new String[] {"application/json", "text/html", "*/*", "image/png",
                "text/html;q=x"}));
        }
        return new Case(index, "portal " + abbreviate(path), beforeRoutes(path, headers) ? Shape.PROTOCOL : Shape.HTML,
                "GET", request("GET", path, headers, new byte[0]));
    }

    private Case api(int index) {
        String path = switch (random.nextInt(5)) {
            case 0, 1 -> "/api/v1/models" + query(MODEL_PARAMS);
            case 2 -> "/api/v1/models/" + segment() + "/" + segment() + "/endpoints";
            case 3 -> "/api/v1/generation" + query(new String[] {"id"});
            default -> "/v1/models" + query(new String[] {"q", "limit"});
        };
        List<String> headers = new ArrayList<>();
        if (random.nextBoolean()) {
            headers.add("Authorization: " + pick(new String[] {"Bearer " + key, "Bearer nope", "Bearer",
                "Bearer " + "k".repeat(3000)}));
        }
        if (random.nextInt(4) == 0) {
            headers.add("Accept: " + pick(new String[] {"text/html", "application/xml", "*/*", "text/html;q=x"}));
        }
        return new Case(index, "api " + abbreviate(path), beforeRoutes(path, headers) ? Shape.PROTOCOL
                : Shape.API_JSON,
                "GET", request("GET", path, headers, new byte[0]));
    }

    private Case admin(int index) {
        String path;
        String form;
        switch (random.nextInt(4)) {
            case 0 -> {
                path = "/admin/keys/login";
                form = "master_key=" + hostileParam();
            }
            case 1 -> {
                path = "/admin/keys";
                form = "csrf=" + hostileParam() + "&name=" + hostileParam();
            }
            case 2 -> {
                path = "/admin/keys/" + segment() + "/revoke";
                form = "csrf=" + hostileParam();
            }
            default -> {
                List<String> headers = new ArrayList<>();
                headers.add("Cookie: " + pick(new String[] {"sb_admin=" + "c".repeat(3000), "sb_admin=%00",
                    "sb_admin", "=;=;=", "sb_admin=\u00ff"}));
                String p = "/admin/keys" + query(new String[] {"revoked"});
                return new Case(index, "admin page " + abbreviate(p), beforeRoutes(p, headers) ? Shape.PROTOCOL
                        : Shape.HTML, "GET",
                        request("GET", p, headers, new byte[0]));
            }
        }
        List<String> headers = new ArrayList<>();
        headers.add("Content-Type: " + pick(new String[] {"application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded", "application/json", "text/plain", "multipart/form-data"}));
        if (random.nextBoolean()) {
            headers.add("Cookie: sb_admin=" + pick(new String[] {"x", "%00", "c".repeat(2000)}));
        }
        byte[] body = random.nextInt(5) == 0 ? "%zz=%%&&==&\u0000".getBytes(StandardCharsets.ISO_8859_1)
                : form.getBytes(StandardCharsets.ISO_8859_1);
        return new Case(index, "admin form " + path + " " + abbreviate(form), Shape.HTML, "POST",
                request("POST", path, headers, body));
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    /**
     * Whether Vert.x refuses the request before any route runs, with a bare status: a request line over 4 KiB, a
     * header value with control characters, or a URL whose percent-escapes do not decode to UTF-8 (a lone %).
     */
    private static boolean beforeRoutes(String path, List<String> headers) {
        if (path.length() > 4000 || headers.stream().anyMatch(h -> h.chars().anyMatch(c -> c < 0x20 || c > 0x7e))) {
            return true;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%') {
                if (i + 2 >= path.length() || Character.digit(path.charAt(i + 1), 16) < 0
                        || Character.digit(path.charAt(i + 2), 16) < 0) {
                    return true;
                }
                bytes.write(Integer.parseInt(path.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()));
            return false;
        } catch (java.nio.charset.CharacterCodingException e) {
            return true;
        }
    }

    private static Shape shapeOf(String path) {
        String p = path.startsWith("/api/v1/chat") || path.startsWith("/api/v1/messages") ? path.substring(4) : path;
        if (p.startsWith("/v1/chat/completions")) {
            return Shape.OPENAI;
        }
        if (p.startsWith("/v1/messages")) {
            return Shape.ANTHROPIC;
        }
        if (p.startsWith("/api/") || p.startsWith("/v1/")) {
            return Shape.API_JSON;
        }
        return Shape.HTML;
    }

    private static byte[] request(String method, String path, List<String> headers, byte[] body) {
        List<String> all = new ArrayList<>(headers);
        all.add("Content-Length: " + body.length);
        return requestFramed(method, path, all, body);
    }

    private static byte[] requestFramed(String method, String path, List<String> headers, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: localhost\r\nConnection: close\r\n");
        for (String h : headers) {
            head.append(h).append("\r\n");
        }
        head.append("\r\n");
        out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...(" + s.length() + ")";
    }

    private <T> T pick(T[] values) {
        return values[random.nextInt(values.length)];
    }

    private String pick(List<String> values) {
        return values.get(random.nextInt(values.size()));
    }
}
