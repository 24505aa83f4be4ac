package org.bastionmail.sasl;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** The client side of SCRAM-SHA-256, written from RFC 5802 3 for tests (ASCII passwords only). */
public final class ScramTestClient {
    private final String username;
    private final String password;
    private final String clientNonce;
    private final String gs2Header;
    private String clientFirstBare = "";
    private byte[] expectedServerSignature = new byte[0];

    public ScramTestClient(String username, String password, String clientNonce) {
        this(username, password, clientNonce, "n,,");
    }

    public ScramTestClient(String username, String password, String clientNonce, String gs2Header) {
        this.username = username;
        this.password = password;
        this.clientNonce = clientNonce;
        this.gs2Header = gs2Header;
    }

    public byte[] clientFirst() {
        clientFirstBare = "n=" + username.replace("=", "=3D").replace(",", "=2C") + ",r=" + clientNonce;
        return (gs2Header + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    /** The client-final-message answering {@code serverFirst}. */
    public byte[] clientFinal(byte[] serverFirst) {
        String serverFirstText = new String(serverFirst, StandardCharsets.UTF_8);
        Map<String, String> attributes = new HashMap<>();
        for (String a : serverFirstText.split(",")) {
            attributes.put(a.substring(0, 1), a.substring(2));
        }
        byte[] salt = Base64.getDecoder().decode(attributes.get("s"));
        int iterations = Integer.parseInt(attributes.get("i"));
        byte[] salted = ScramKeys.hi(password.getBytes(StandardCharsets.UTF_8), salt, iterations);
        byte[] clientKey = ScramKeys.hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
        byte[] storedKey = ScramKeys.sha256(clientKey);
        byte[] serverKey = ScramKeys.hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8))
                + ",r=" + attributes.get("r");
        byte[] authMessage = (clientFirstBare + "," + serverFirstText + "," + withoutProof)
                .getBytes(StandardCharsets.UTF_8);
        byte[] signature = ScramKeys.hmac(storedKey, authMessage);
        byte[] proof = clientKey.clone();
        for (int i = 0; i < proof.length; i++) {
            proof[i] ^= signature[i];
        }
        expectedServerSignature = ScramKeys.hmac(serverKey, authMessage);
        return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
    }

    /** The server-final-message the client expects ("v=..."), valid after {@link #clientFinal}. */
    public byte[] expectedServerFinal() {
        return ("v=" + Base64.getEncoder().encodeToString(expectedServerSignature)).getBytes(StandardCharsets.UTF_8);
    }
}
