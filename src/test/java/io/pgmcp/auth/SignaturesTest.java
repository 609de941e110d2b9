package io.pgmcp.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgmcp.config.JwsAlgorithm;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** JWKs of every supported kind, read and used with the JDK's signatures. */
class SignaturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] INPUT = "header.payload".getBytes(StandardCharsets.US_ASCII);

    private static String b64(byte[] bytes) {
        return Base64Url.encode(bytes);
    }

    private static byte[] fixed(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        return out;
    }

    private static JsonWebKey ecKey(KeyPair pair, String crv, int size) throws Exception {
        ECPublicKey pub = (ECPublicKey) pair.getPublic();
        JsonNode jwk = JSON.readTree("{\"kty\":\"EC\",\"crv\":\"" + crv + "\",\"x\":\""
                + b64(fixed(pub.getW().getAffineX(), size)) + "\",\"y\":\"" + b64(fixed(pub.getW().getAffineY(), size))
                + "\"}");
        return JsonWebKey.parse(jwk).orElseThrow();
    }

    private static byte[] sign(String algorithm, KeyPair pair) throws Exception {
        Signature signature = Signature.getInstance(algorithm);
        signature.initSign(pair.getPrivate());
        signature.update(INPUT);
        return signature.sign();
    }

    @Test
    void verifiesEcdsaOnP384AndP521InJoseFormat() throws Exception {
        for (var c : List.of(new Object[]{"secp384r1", "P-384", 48, JwsAlgorithm.ES384, "SHA384"},
                new Object[]{"secp521r1", "P-521", 66, JwsAlgorithm.ES512, "SHA512"})) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec((String) c[0]));
            KeyPair pair = generator.generateKeyPair();
            JsonWebKey key = ecKey(pair, (String) c[1], (int) c[2]);
            byte[] signature = sign(c[4] + "withECDSAinP1363Format", pair);

            assertEquals(2 * (int) c[2], signature.length);
            assertTrue(Signatures.verify((JwsAlgorithm) c[3], key, INPUT, signature));
            assertFalse(Signatures.verify(JwsAlgorithm.ES256, key, INPUT, signature), "curve must fit the alg");
            byte[] der = sign(c[4] + "withECDSA", pair);
            assertFalse(Signatures.verify((JwsAlgorithm) c[3], key, INPUT, der), "DER is not the JOSE format");
        }
    }

    @Test
    void verifiesEd25519() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] encoded = pair.getPublic().getEncoded();
        byte[] x = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
        JsonWebKey key = JsonWebKey.parse(JSON.readTree("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + b64(x)
                + "\",\"use\":\"sig\"}")).orElseThrow();
        byte[] signature = sign("Ed25519", pair);

        assertTrue(Signatures.verify(JwsAlgorithm.EDDSA, key, INPUT, signature));
        signature[0] ^= 1;
        assertFalse(Signatures.verify(JwsAlgorithm.EDDSA, key, INPUT, signature));
    }

    @Test
    void skipsKeysThatAreNotForSigningOrNotUsable() throws Exception {
        List<String> skipped = new ArrayList<>();
        List<JsonWebKey> keys = JsonWebKey.parseSet(JSON.readTree("""
                {"keys": [
                  {"kty": "oct", "k": "c2VjcmV0"},
                  {"kty": "RSA", "n": "AQAB", "e": "AQAB"},
                  {"kty": "EC", "crv": "P-256", "x": "AQ", "y": "AQ"},
                  {"kty": "OKP", "crv": "Ed448", "x": "AQ"},
                  {"kty": "RSA", "use": "enc", "n": "AQAB", "e": "AQAB"},
                  {"kty": "RSA", "key_ops": ["encrypt"], "n": "AQAB", "e": "AQAB"},
                  "not a key"
                ]}"""), skipped);

        assertEquals(List.of(), keys);
        assertEquals(5, skipped.size(), skipped.toString());
        assertTrue(skipped.get(1).contains("RSA key of 17 bits is below the 2048 bits required"), skipped.toString());
    }

    @Test
    void base64urlRefusesPaddingAndOtherAlphabets() {
        assertTrue(Base64Url.decode("AQAB").isPresent());
        assertEquals(Optional.empty(), Base64Url.decode("AQ=="));
        assertEquals(Optional.empty(), Base64Url.decode("a+b/"));
        assertThrows(IllegalArgumentException.class, () -> JsonWebKey.coordinateBytes("P-192"));
    }
}
