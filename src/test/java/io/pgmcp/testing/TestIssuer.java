package io.pgmcp.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A small OAuth authorization server for tests: a JDK {@code HttpServer} on 127.0.0.1 serving RFC 8414 metadata
 * at {@code /.well-known/oauth-authorization-server/issuer} (the issuer is {@code http://127.0.0.1:PORT/issuer}),
 * a JWK set at {@code /jwks} (an RSA 2048 and an EC P-256 key, made per run) and, when a test sets an answer,
 * RFC 7662 introspection at {@code /introspect}. {@link #mint} signs tokens with the current keys; {@link #rotate}
 * replaces them (new kids, old keys gone). Counts the requests to each endpoint. Thread-safe.
 */
public final class TestIssuer implements AutoCloseable {
    public static final String CLIENT_ID = "pg-mcp-test";
    public static final String CLIENT_SECRET = "introspection-secret-0001";

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Keys(String rsaKid, KeyPair rsa, String ecKid, KeyPair ec) {}

    private final HttpServer server;
    private final String issuer;
    private final AtomicReference<Keys> keys = new AtomicReference<>();
    private final AtomicInteger generation = new AtomicInteger();
    private final AtomicInteger jwksRequests = new AtomicInteger();
    private final AtomicInteger metadataRequests = new AtomicInteger();
    private final AtomicInteger introspectionRequests = new AtomicInteger();
    private final AtomicReference<String> metadataIssuer = new AtomicReference<>();
    private final AtomicReference<String> jwksOverride = new AtomicReference<>();
    private final AtomicInteger jwksStatus = new AtomicInteger(200);
    private final AtomicReference<Function<String, Map<String, Object>>> introspection = new AtomicReference<>();

    public TestIssuer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/issuer";
        metadataIssuer.set(issuer);
        rotate();
        server.createContext("/.well-known/oauth-authorization-server/issuer", this::metadata);
        server.createContext("/jwks", this::jwks);
        server.createContext("/introspect", this::introspect);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    public String issuer() {
        return issuer;
    }

    public String jwksUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
    }

    public String introspectionEndpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/introspect";
    }

    public int jwksRequests() {
        return jwksRequests.get();
    }

    public int metadataRequests() {
        return metadataRequests.get();
    }

    public int introspectionRequests() {
        return introspectionRequests.get();
    }

    /** Makes the metadata document name another issuer (a misconfigured or impostor server). */
    public void metadataIssuer(String value) {
        metadataIssuer.set(value);
    }

    /**
     * Serves introspection: {@code answer} gets the presented token and returns the JSON object to send (null:
     * {@code {"active": false}}). Requests without the client credentials {@link #CLIENT_ID}/{@link #CLIENT_SECRET}
     * get 401.
     */
    public void introspection(Function<String, Map<String, Object>> answer) {
        introspection.set(answer);
    }

    /** Makes the JWK set endpoint answer with {@code status} (500: an outage) instead of 200. */
    public void jwksStatus(int status) {
        jwksStatus.set(status);
    }

    /** Serves {@code json} as the JWK set instead of the current keys (null: the current keys again). */
    public void jwksOverride(String json) {
        jwksOverride.set(json);
    }

    /** New RSA and EC keys with new kids; the old ones leave the JWK set. */
    public void rotate() {
        int g = generation.incrementAndGet();
        try {
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
            ec.initialize(new ECGenParameterSpec("secp256r1"));
            keys.set(new Keys("rsa-" + g, rsa.generateKeyPair(), "ec-" + g, ec.generateKeyPair()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String rsaKid() {
        return keys.get().rsaKid();
    }

    /** The current RSA public key in X.509 (DER) form: what an HMAC key-confusion attack would use as secret. */
    public byte[] rsaPublicKeyBytes() {
        return keys.get().rsa().getPublic().getEncoded();
    }

    /** Claims of a token for {@code subject} and {@code audience}, issued at {@code now}, valid five minutes. */
    public Map<String, Object> claims(String subject, String audience, Instant now) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("sub", subject);
        claims.put("aud", audience);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.getEpochSecond() + 300);
        return claims;
    }

    /** An RS256 token signed with the current RSA key. */
    public String mint(Map<String, Object> claims) {
        return mint(Map.of(), claims);
    }

    /**
     * A token with the given header members over the defaults {@code alg: RS256, typ: JWT, kid: <current>}; a
     * member mapped to null is left out. The alg picks the signature: RS and PS with the RSA key, ES256 with the EC
     * key (its kid then by default), HS256 with {@link #rsaPublicKeyBytes()} as secret, none with no signature.
     */
    public String mint(Map<String, Object> headerOverrides, Map<String, Object> claims) {
        Keys k = keys.get();
        Map<String, Object> header = new LinkedHashMap<>();
        Object alg = headerOverrides.getOrDefault("alg", "RS256");
        header.put("alg", alg);
        header.put("typ", "JWT");
        header.put("kid", String.valueOf(alg).startsWith("ES") ? k.ecKid() : k.rsaKid());
        Map<String, Object> overrides = new HashMap<>(headerOverrides);
        overrides.forEach((name, value) -> {
            if (value == null) {
                header.remove(name);
            } else {
                header.put(name, value);
            }
        });
        String input = encode(json(header)) + "." + encode(json(claims));
        byte[] signature = sign(String.valueOf(alg), k, input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    }

    private static byte[] sign(String alg, Keys k, byte[] input) {
        try {
            Signature signature;
            switch (alg) {
                case "none" :
                    return new byte[0];
                case "HS256" : {
                    Mac mac = Mac.getInstance("HmacSHA256");
                    mac.init(new SecretKeySpec(k.rsa().getPublic().getEncoded(), "HmacSHA256"));
                    return mac.doFinal(input);
                }
                case "RS256", "RS384", "RS512" :
                    signature = Signature.getInstance("SHA" + alg.substring(2) + "withRSA");
                    signature.initSign(k.rsa().getPrivate());
                    break;
                case "PS256" :
                    signature = Signature.getInstance("RSASSA-PSS");
                    signature.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
                    signature.initSign(k.rsa().getPrivate());
                    break;
                case "ES256" :
                    signature = Signature.getInstance("SHA256withECDSAinP1363Format");
                    signature.initSign(k.ec().getPrivate());
                    break;
                default :
                    throw new IllegalArgumentException("TestIssuer cannot sign with " + alg);
            }
            signature.update(input);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The current JWK set as JSON. */
    public String jwksJson() {
        Keys k = keys.get();
        RSAPublicKey rsa = (RSAPublicKey) k.rsa().getPublic();
        ECPublicKey ec = (ECPublicKey) k.ec().getPublic();
        List<Map<String, Object>> list = new ArrayList<>();
        list.add(Map.of("kty", "RSA", "kid", k.rsaKid(), "use", "sig", "n", unsigned(rsa.getModulus(), 0), "e",
                unsigned(rsa.getPublicExponent(), 0)));
        list.add(Map.of("kty", "EC", "kid", k.ecKid(), "use", "sig", "crv", "P-256", "x",
                unsigned(ec.getW().getAffineX(), 32), "y", unsigned(ec.getW().getAffineY(), 32)));
        return json(Map.of("keys", list));
    }

    private void metadata(HttpExchange exchange) throws IOException {
        metadataRequests.incrementAndGet();
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("issuer", metadataIssuer.get());
        document.put("jwks_uri", jwksUri());
        document.put("introspection_endpoint", introspectionEndpoint());
        reply(exchange, 200, json(document));
    }

    private void jwks(HttpExchange exchange) throws IOException {
        jwksRequests.incrementAndGet();
        String override = jwksOverride.get();
        reply(exchange, jwksStatus.get(), override != null ? override : jwksJson());
    }

    private void introspect(HttpExchange exchange) throws IOException {
        introspectionRequests.incrementAndGet();
        String expected = "Basic " + Base64.getEncoder()
                .encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        Function<String, Map<String, Object>> answer = introspection.get();
        if (answer == null || !"POST".equals(exchange.getRequestMethod())
                || !expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            reply(exchange, 401, "{\"error\":\"invalid_client\"}");
            return;
        }
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String token = null;
        for (String pair : body.split("&")) {
            if (pair.startsWith("token=")) {
                token = URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
            }
        }
        Map<String, Object> result = token == null ? null : answer.apply(token);
        reply(exchange, 200, json(result == null ? Map.of("active", false) : result));
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String unsigned(BigInteger value, int length) {
        byte[] bytes = value.toByteArray();
        int start = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
        int size = Math.max(length, bytes.length - start);
        byte[] out = new byte[size];
        System.arraycopy(bytes, start, out, size - (bytes.length - start), bytes.length - start);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    private static String encode(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
