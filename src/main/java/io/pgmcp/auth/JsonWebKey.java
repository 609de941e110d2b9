package io.pgmcp.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgmcp.config.JwsAlgorithm;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One public signing key of a JWK set (RFC 7517): RSA (2048 bits or more), EC on P-256, P-384 or P-521, or
 * OKP Ed25519.
 *
 * @param kid   its key id, if it has one
 * @param curve for EC and OKP keys, the curve ({@code P-256}, {@code Ed25519}); empty for RSA
 * @param alg   the one algorithm it is for, if it says
 * @param key   the key for {@link java.security.Signature}
 */
record JsonWebKey(Optional<String> kid, Kind kind, Optional<String> curve, Optional<String> alg, PublicKey key) {
    static final int MIN_RSA_BITS = 2048;
    /** The X.509 SubjectPublicKeyInfo prefix of a 32-byte Ed25519 key. */
    private static final byte[] ED25519_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    enum Kind {
        RSA, EC, OKP
    }

    JsonWebKey {
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(curve, "curve");
        Objects.requireNonNull(alg, "alg");
        Objects.requireNonNull(key, "key");
    }

    /** Whether this key may check a signature made with {@code algorithm}. */
    boolean fits(JwsAlgorithm algorithm) {
        if (alg.isPresent() && !alg.get().equals(algorithm.joseName())) {
            return false;
        }
        return switch (algorithm) {
            case RS256, RS384, RS512, PS256, PS384, PS512 -> kind == Kind.RSA;
            case ES256 -> kind == Kind.EC && curve.equals(Optional.of("P-256"));
            case ES384 -> kind == Kind.EC && curve.equals(Optional.of("P-384"));
            case ES512 -> kind == Kind.EC && curve.equals(Optional.of("P-521"));
            case EDDSA -> kind == Kind.OKP && curve.equals(Optional.of("Ed25519"));
        };
    }

    /**
     * The signing keys of a JWK set document; keys this server cannot or must not use (encryption keys, unknown
     * kinds, RSA below {@value #MIN_RSA_BITS} bits, malformed ones) are left out and described in {@code skipped}.
     */
    static List<JsonWebKey> parseSet(JsonNode set, List<String> skipped) {
        JsonNode keys = set.get("keys");
        List<JsonWebKey> out = new ArrayList<>();
        if (keys == null || !keys.isArray()) {
            skipped.add("the document has no \"keys\" array");
            return out;
        }
        for (int i = 0; i < keys.size(); i++) {
            JsonNode jwk = keys.get(i);
            try {
                parse(jwk).ifPresent(out::add);
            } catch (IllegalArgumentException | GeneralSecurityException e) {
                String kid = jwk.isObject() ? AuthJson.text(jwk, "kid").orElse("") : "";
                skipped.add("keys[" + i + "]" + (kid.isEmpty() ? "" : " (kid " + kid + ")") + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** @return the key, or empty when it is not a signing key */
    static Optional<JsonWebKey> parse(JsonNode jwk) throws GeneralSecurityException {
        if (!jwk.isObject()) {
            throw new IllegalArgumentException("not an object");
        }
        Optional<String> use = AuthJson.text(jwk, "use");
        if (use.isPresent() && !use.get().equals("sig")) {
            return Optional.empty();
        }
        if (jwk.has("key_ops")) {
            Optional<List<String>> ops = AuthJson.strings(jwk, "key_ops");
            if (ops.isEmpty() || !ops.get().contains("verify")) {
                return Optional.empty();
            }
        }
        Optional<String> kid = AuthJson.text(jwk, "kid");
        Optional<String> alg = AuthJson.text(jwk, "alg");
        String kty = AuthJson.text(jwk, "kty").orElseThrow(() -> new IllegalArgumentException("no kty"));
        return switch (kty) {
            case "RSA" -> Optional.of(new JsonWebKey(kid, Kind.RSA, Optional.empty(), alg, rsa(jwk)));
            case "EC" -> {
                String crv = AuthJson.text(jwk, "crv").orElseThrow(() -> new IllegalArgumentException("no crv"));
                yield Optional.of(new JsonWebKey(kid, Kind.EC, Optional.of(crv), alg, ec(jwk, crv)));
            }
            case "OKP" -> {
                String crv = AuthJson.text(jwk, "crv").orElseThrow(() -> new IllegalArgumentException("no crv"));
                if (!crv.equals("Ed25519")) {
                    throw new IllegalArgumentException("OKP curve " + crv + " is not supported (Ed25519 is)");
                }
                byte[] x = member(jwk, "x");
                if (x.length != 32) {
                    throw new IllegalArgumentException("an Ed25519 x must be 32 bytes, not " + x.length);
                }
                byte[] der = new byte[ED25519_PREFIX.length + 32];
                System.arraycopy(ED25519_PREFIX, 0, der, 0, ED25519_PREFIX.length);
                System.arraycopy(x, 0, der, ED25519_PREFIX.length, 32);
                PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
                yield Optional.of(new JsonWebKey(kid, Kind.OKP, Optional.of(crv), alg, key));
            }
            default -> throw new IllegalArgumentException("key type " + kty + " is not supported");
        };
    }

    private static PublicKey rsa(JsonNode jwk) throws GeneralSecurityException {
        BigInteger n = new BigInteger(1, member(jwk, "n"));
        BigInteger e = new BigInteger(1, member(jwk, "e"));
        if (n.bitLength() < MIN_RSA_BITS) {
            throw new IllegalArgumentException(
                    "RSA key of " + n.bitLength() + " bits is below the " + MIN_RSA_BITS + " bits required");
        }
        RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
        return key;
    }

    private static PublicKey ec(JsonNode jwk, String crv) throws GeneralSecurityException {
        String name = switch (crv) {
            case "P-256" -> "secp256r1";
            case "P-384" -> "secp384r1";
            case "P-521" -> "secp521r1";
            default -> throw new IllegalArgumentException("EC curve " + crv + " is not supported");
        };
        int size = coordinateBytes(crv);
        byte[] x = member(jwk, "x");
        byte[] y = member(jwk, "y");
        if (x.length != size || y.length != size) {
            throw new IllegalArgumentException("EC " + crv + " coordinates must be " + size + " bytes");
        }
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec(name));
        ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
        ECPoint point = new ECPoint(new BigInteger(1, x), new BigInteger(1, y));
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, spec));
    }

    /** The length of one coordinate (and of r and s in a JOSE signature) on {@code crv}. */
    static int coordinateBytes(String crv) {
        return switch (crv) {
            case "P-256" -> 32;
            case "P-384" -> 48;
            case "P-521" -> 66;
            default -> throw new IllegalArgumentException("EC curve " + crv + " is not supported");
        };
    }

    private static byte[] member(JsonNode jwk, String name) {
        String text = AuthJson.text(jwk, name).orElseThrow(() -> new IllegalArgumentException("no " + name));
        return Base64Url.decode(text).orElseThrow(() -> new IllegalArgumentException(name + " is not base64url"));
    }
}
