package org.bastionmail.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.ongres.scram.client.ScramClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AUTH SCRAM-SHA-256 against the running server, with an independent client (com.ongres.scram, used by PgJDBC). */
class ScramAuthIT {
    private static final String PASSWORD = "scram pass phrase";

    @TempDir
    static Path dataDir;
    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(dataDir);
        server.addUser("carol@example.test", PASSWORD);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A line-based SMTP conversation over implicit TLS (port 465). */
    private record Smtp(BufferedReader in, OutputStream out) {
        String send(String line) throws Exception {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return reply();
        }

        String reply() throws Exception {
            String line;
            StringBuilder all = new StringBuilder();
            do {
                line = in.readLine();
                all.append(line).append('\n');
            } while (line.length() > 3 && line.charAt(3) == '-');
            return all.toString().strip();
        }
    }

    private static String authenticate(String password) throws Exception {
        SSLSocketFactory factory = SubmissionTls.trusting(server.certificate()).getSocketFactory();
        try (Socket plain = new Socket("127.0.0.1", server.port("submissions"));
             SSLSocket tls = (SSLSocket) factory.createSocket(plain, "127.0.0.1", plain.getPort(), true)) {
            Smtp smtp = new Smtp(new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.US_ASCII)),
                    tls.getOutputStream());
            assertThat(smtp.reply()).startsWith("220 ");
            assertThat(smtp.send("EHLO client.example.test")).contains("AUTH SCRAM-SHA-256");
            ScramClient scram = ScramClient.builder()
                    .advertisedMechanisms(List.of("SCRAM-SHA-256"))
                    .username("carol@example.test")
                    .password(password.toCharArray())
                    .build();
            String serverFirst = smtp.send("AUTH SCRAM-SHA-256 " + b64(scram.clientFirstMessage().toString()));
            if (!serverFirst.startsWith("334 ")) {
                return serverFirst;
            }
            scram.serverFirstMessage(unb64(serverFirst.substring(4)));
            String serverFinal = smtp.send(b64(scram.clientFinalMessage().toString()));
            if (!serverFinal.startsWith("334 ")) {
                return serverFinal;
            }
            // Throws if the server's signature is wrong: the client authenticates the server too.
            scram.serverFinalMessage(unb64(serverFinal.substring(4)));
            return smtp.send("");
        }
    }

    @Test
    void anIndependentScramClientAuthenticatesAndVerifiesTheServer() throws Exception {
        assertThat(authenticate(PASSWORD)).startsWith("235 2.7.0");
    }

    @Test
    void aWrongPasswordFails() throws Exception {
        assertThat(authenticate("not the password")).startsWith("535 5.7.8");
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String text) {
        return new String(Base64.getDecoder().decode(text.strip()), StandardCharsets.UTF_8);
    }
}
