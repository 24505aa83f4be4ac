package org.bastionmail.filter;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;

/** Starting Debian's filter daemons (clamd, clamav-milter, rspamd) in the foreground for interop tests. */
public final class Daemons {
    private Daemons() {}

    /** The tool's path; a missing tool skips the test, or fails it when the CI variable is set. */
    public static Path tool(String name, String debianPackage) {
        // Debian installs daemons in /usr/sbin, which is not on every user's PATH.
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin";
        Optional<Path> found = List.of(path.split(File.pathSeparator)).stream()
                .map(d -> Path.of(d, name))
                .filter(Files::isExecutable)
                .findFirst();
        if (found.isEmpty() && System.getenv("CI") != null) {
            throw new AssertionError(name + " is not installed; .ci/run must install " + debianPackage);
        }
        Assumptions.assumeTrue(found.isPresent(), name + " is not installed (Debian package " + debianPackage + ")");
        return found.get();
    }

    public static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return free.getLocalPort();
        }
    }

    public static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits (bounded) until {@code ready}; a process that dies or a deadline passed fails with its output. */
    public static void await(Process process, BooleanSupplier ready, int seconds, Path output) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!ready.getAsBoolean()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError("daemon did not start:\n" + (Files.exists(output) ? Files.readString(output) : ""));
            }
            Thread.sleep(100);
        }
    }

    public static void stop(Process process) throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Whether the process runs as root (daemons then need to be told to stay root rather than switch user). */
    public static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }
}
