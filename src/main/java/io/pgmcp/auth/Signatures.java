package io.pgmcp.auth;

import io.pgmcp.config.JwsAlgorithm;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * Checks JWS signatures (RFC 7518) with the JDK's providers. ECDSA signatures come as JOSE writes them, r and s
 * side by side (IEEE P1363), which the JDK reads directly with its {@code ...inP1363Format} algorithms; their
 * length must be exactly twice the curve's coordinate size.
 */
final class Signatures {
    private Signatures() {}

    /** @return whether {@code signature} over {@code input} is valid for {@code key} and {@code algorithm} */
    static boolean verify(JwsAlgorithm algorithm, JsonWebKey key, byte[] input, byte[] signature) {
        if (!key.fits(algorithm)) {
            return false;
        }
        try {
            Signature verifier = switch (algorithm) {
                case RS256 -> Signature.getInstance("SHA256withRSA");
                case RS384 -> Signature.getInstance("SHA384withRSA");
                case RS512 -> Signature.getInstance("SHA512withRSA");
                case PS256 -> pss("SHA-256", MGF1ParameterSpec.SHA256, 32);
                case PS384 -> pss("SHA-384", MGF1ParameterSpec.SHA384, 48);
                case PS512 -> pss("SHA-512", MGF1ParameterSpec.SHA512, 64);
                case ES256 -> Signature.getInstance("SHA256withECDSAinP1363Format");
                case ES384 -> Signature.getInstance("SHA384withECDSAinP1363Format");
                case ES512 -> Signature.getInstance("SHA512withECDSAinP1363Format");
                case EDDSA -> Signature.getInstance("Ed25519");
            };
            if (key.kind() == JsonWebKey.Kind.EC
                    && signature.length != 2 * JsonWebKey.coordinateBytes(key.curve().orElseThrow())) {
                return false;
            }
            verifier.initVerify(key.key());
            verifier.update(input);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // a malformed signature is simply not a valid one
            return false;
        }
    }

    private static Signature pss(String digest, MGF1ParameterSpec mgf, int saltLength)
            throws GeneralSecurityException {
        Signature signature = Signature.getInstance("RSASSA-PSS");
        signature.setParameter(new PSSParameterSpec(digest, "MGF1", mgf, saltLength, 1));
        return signature;
    }
}
