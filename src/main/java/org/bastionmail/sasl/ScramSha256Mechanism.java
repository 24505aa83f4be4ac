package org.bastionmail.sasl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding: the -PLUS variant
 * is not offered, so a client asking for binding ("p=") is refused.
 *
 * <p>An unknown user gets the same exchange as a known one, with keys derived from a server secret,
 * so neither the salt, the timing nor the messages tell whether an account exists (RFC 5802 9).
 */
final class ScramSha256Mechanism implements SaslMechanism {
    static final int MAX_MESSAGE = 2048;
    static final int MAX_NONCE = 256;
    private static final int PROOF_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private enum State { NEW, WANT_CLIENT_FIRST, WANT_CLIENT_FINAL, DONE }

    private final Authenticator authenticator;
    private final byte[] fakeSecret;
    private final Supplier<String> serverNonces;

    private State state = State.NEW;
    private String gs2Header = "";
    private String clientFirstBare = "";
    private String serverFirst = "";
    private String nonce = "";
    private ScramCredentials credentials;
    private boolean knownUser;

    ScramSha256Mechanism(Authenticator authenticator, byte[] fakeSecret) {
        this(authenticator, fakeSecret, ScramSha256Mechanism::randomNonce);
    }

    /** With a chosen source of server nonces, so that the RFC 7677 example can be replayed. */
    ScramSha256Mechanism(Authenticator authenticator, byte[] fakeSecret, Supplier<String> serverNonces) {
        this.authenticator = authenticator;
        this.fakeSecret = fakeSecret.clone();
        this.serverNonces = serverNonces;
    }

    private static String randomNonce() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public String name() {
        return "SCRAM-SHA-256";
    }

    @Override
    public SaslStep start(Optional<byte[]> initialResponse) {
        if (state != State.NEW) {
            return new SaslStep.Malformed("exchange already started");
        }
        state = State.WANT_CLIENT_FIRST;
        // RFC 4422 5: without an initial response the server sends an empty challenge first.
        return initialResponse.isPresent() ? next(initialResponse.get()) : new SaslStep.Challenge(new byte[0]);
    }

    @Override
    public SaslStep next(byte[] response) {
        State current = state;
        state = State.DONE;
        if (current != State.WANT_CLIENT_FIRST && current != State.WANT_CLIENT_FINAL) {
            return new SaslStep.Malformed("no response expected");
        }
        if (response.length > MAX_MESSAGE) {
            return new SaslStep.Malformed("message too long");
        }
        Optional<String> text = SaslText.utf8(response);
        if (text.isEmpty()) {
            return new SaslStep.Malformed("message is not valid UTF-8");
        }
        SaslStep step = current == State.WANT_CLIENT_FIRST ? clientFirst(text.get()) : clientFinal(text.get());
        if (step instanceof SaslStep.Challenge) {
            state = State.WANT_CLIENT_FINAL;
        }
        return step;
    }

    // RFC 5802 7: client-first-message = gs2-header client-first-message-bare
    private SaslStep clientFirst(String message) {
        int flagEnd = message.indexOf(',');
        int authzidEnd = flagEnd < 0 ? -1 : message.indexOf(',', flagEnd + 1);
        if (authzidEnd < 0) {
            return new SaslStep.Malformed("no GS2 header");
        }
        String flag = message.substring(0, flagEnd);
        if (flag.startsWith("p=")) {
            // RFC 5802 6: we do not support channel binding, so the exchange must fail.
            return new SaslStep.Failure("client requires channel binding, which is not offered");
        }
        if (!flag.equals("n") && !flag.equals("y")) {
            return new SaslStep.Malformed("bad channel binding flag");
        }
        String authzidField = message.substring(flagEnd + 1, authzidEnd);
        Optional<String> authzid = Optional.empty();
        if (!authzidField.isEmpty()) {
            if (!authzidField.startsWith("a=")) {
                return new SaslStep.Malformed("bad authzid");
            }
            authzid = decodeSaslName(authzidField.substring(2));
            if (authzid.isEmpty()) {
                return new SaslStep.Malformed("bad authzid");
            }
        }
        gs2Header = message.substring(0, authzidEnd + 1);
        clientFirstBare = message.substring(authzidEnd + 1);

        String[] attributes = clientFirstBare.split(",", -1);
        if (attributes.length >= 1 && attributes[0].startsWith("m=")) {
            return new SaslStep.Failure("mandatory extension not supported"); // RFC 5802 5.1 "m"
        }
        if (attributes.length < 2 || !attributes[0].startsWith("n=") || !attributes[1].startsWith("r=")
                || !extensionsWellFormed(attributes, 2)) {
            return new SaslStep.Malformed("bad client-first-message");
        }
        Optional<String> username = decodeSaslName(attributes[0].substring(2));
        String clientNonce = attributes[1].substring(2);
        if (username.isEmpty() || username.get().getBytes(StandardCharsets.UTF_8).length > PlainMechanism.MAX_IDENTITY) {
            return new SaslStep.Malformed("bad username");
        }
        if (!isPrintableNonce(clientNonce)) {
            return new SaslStep.Malformed("bad nonce");
        }
        if (authzid.isPresent()
                && !authzid.get().toLowerCase(Locale.ROOT).equals(username.get().toLowerCase(Locale.ROOT))) {
            return new SaslStep.Failure("authorization identity differs from authentication identity");
        }

        Optional<ScramCredentials> stored = authenticator.scramCredentials(username.get());
        knownUser = stored.isPresent();
        credentials = stored.orElseGet(() -> fakeCredentials(username.get()));

        String serverNonce = serverNonces.get();
        if (!isPrintableNonce(serverNonce)) {
            throw new IllegalStateException("server nonce must be printable and without commas");
        }
        nonce = clientNonce + serverNonce;
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(credentials.salt())
                + ",i=" + credentials.iterations();
        return new SaslStep.Challenge(serverFirst.getBytes(StandardCharsets.UTF_8));
    }

    // RFC 5802 7: client-final-message = channel-binding "," nonce ["," extensions] "," proof
    private SaslStep clientFinal(String message) {
        int proofAt = message.lastIndexOf(",p=");
        if (proofAt < 0) {
            return new SaslStep.Malformed("no proof");
        }
        String withoutProof = message.substring(0, proofAt);
        String[] attributes = withoutProof.split(",", -1);
        if (attributes.length < 2 || !attributes[0].startsWith("c=") || !attributes[1].startsWith("r=")
                || !extensionsWellFormed(attributes, 2)) {
            return new SaslStep.Malformed("bad client-final-message");
        }
        Optional<byte[]> binding = base64(attributes[0].substring(2));
        Optional<byte[]> proof = base64(message.substring(proofAt + 3));
        if (binding.isEmpty() || proof.isEmpty() || proof.get().length != PROOF_BYTES) {
            return new SaslStep.Malformed("bad base64 in client-final-message");
        }
        // Without channel binding, c= carries the GS2 header unchanged (RFC 5802 7, cbind-input).
        if (!MessageDigest.isEqual(binding.get(), gs2Header.getBytes(StandardCharsets.UTF_8))) {
            return new SaslStep.Failure("channel binding data does not match the GS2 header");
        }
        if (!MessageDigest.isEqual(attributes[1].substring(2).getBytes(StandardCharsets.UTF_8),
                nonce.getBytes(StandardCharsets.UTF_8))) {
            return new SaslStep.Failure("nonce does not match");
        }

        // RFC 5802 3: verify ClientProof against StoredKey.
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        byte[] clientSignature = ScramKeys.hmac(credentials.storedKey(), authMessage);
        byte[] clientKey = proof.get();
        for (int i = 0; i < clientKey.length; i++) {
            clientKey[i] ^= clientSignature[i];
        }
        boolean proofValid = MessageDigest.isEqual(ScramKeys.sha256(clientKey), credentials.storedKey());
        Arrays.fill(clientKey, (byte) 0);
        byte[] serverSignature = ScramKeys.hmac(credentials.serverKey(), authMessage);
        if (!proofValid || !knownUser) {
            return new SaslStep.Failure("invalid credentials");
        }
        String serverFinal = "v=" + Base64.getEncoder().encodeToString(serverSignature);
        return new SaslStep.Success(credentials.account(), serverFinal.getBytes(StandardCharsets.UTF_8));
    }

    /** Keys for a user that does not exist: stable per name, unguessable without the secret. */
    private ScramCredentials fakeCredentials(String username) {
        byte[] name = username.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        return new ScramCredentials(username,
                Arrays.copyOf(ScramKeys.hmac(fakeSecret, labelled("salt", name)), ScramKeys.SALT_BYTES),
                ScramKeys.DEFAULT_ITERATIONS,
                ScramKeys.hmac(fakeSecret, labelled("stored-key", name)),
                ScramKeys.hmac(fakeSecret, labelled("server-key", name)));
    }

    private static byte[] labelled(String label, byte[] name) {
        byte[] prefix = ("bastion-scram-fake-" + label + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(prefix, prefix.length + name.length);
        System.arraycopy(name, 0, out, prefix.length, name.length);
        return out;
    }

    /** RFC 5802 7 saslname: "," and "=" are written =2C and =3D; any other "=" is an error. */
    static Optional<String> decodeSaslName(String encoded) {
        if (encoded.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder out = new StringBuilder(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '=') {
                if (encoded.startsWith("=2C", i)) {
                    out.append(',');
                } else if (encoded.startsWith("=3D", i)) {
                    out.append('=');
                } else {
                    return Optional.empty();
                }
                i += 2;
            } else if (c == ',' || c < 0x20 || c == 0x7f) {
                return Optional.empty();
            } else {
                out.append(c);
            }
        }
        return Optional.of(out.toString());
    }

    // RFC 5802 7: printable = %x21-2B / %x2D-7E (no comma)
    private static boolean isPrintableNonce(String nonce) {
        if (nonce.isEmpty() || nonce.length() > MAX_NONCE) {
            return false;
        }
        for (int i = 0; i < nonce.length(); i++) {
            char c = nonce.charAt(i);
            if (c < 0x21 || c > 0x7e || c == ',') {
                return false;
            }
        }
        return true;
    }

    // RFC 5802 7: attr-val = ALPHA "=" value
    private static boolean extensionsWellFormed(String[] attributes, int from) {
        for (int i = from; i < attributes.length; i++) {
            String a = attributes[i];
            char c = a.isEmpty() ? 0 : a.charAt(0);
            if (a.length() < 2 || a.charAt(1) != '=' || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                return false;
            }
        }
        return true;
    }

    private static Optional<byte[]> base64(String text) {
        try {
            return Optional.of(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
