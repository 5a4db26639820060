package dev.tessera.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisServerTest {

    @TempDir Path dir;

    @Test
    void answersCommandsAndRestartsWithItsDataOnTheSamePort() throws IOException {
        try (RedisServer redis = new RedisServer(dir, 0)) {
            redis.start();
            assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
            assertThat(send(redis.port(), "PING")).isEqualTo("+PONG");
            assertThat(send(redis.port(), "SET k v")).isEqualTo("+OK");

            redis.stop();
            assertThat(redis.isRunning()).isFalse();
            redis.start();

            assertThat(redis.isRunning()).isTrue();
            assertThat(send(redis.port(), "PING")).isEqualTo("+PONG");
            assertThat(send(redis.port(), "EXISTS k")).as("append-only file").isEqualTo(":1");
        }
    }

    @Test
    void aSecuredServerSpeaksTlsOnlyAndAcceptsOnlyItsAclUser() throws IOException {
        try (RedisServer redis = RedisServer.secured(dir, 0, "tessera", "pass word>1")) {
            redis.start();
            assertThat(redis.uri())
                    .isEqualTo("rediss://127.0.0.1:" + redis.port() + "?user=tessera");
            assertThat(redis.clientConfig())
                    .containsEntry("quarkus.redis.password", "pass word>1")
                    .containsEntry("quarkus.redis.tls-configuration-name", "redis");

            // Plain text on the TLS port: no Redis answer.
            assertThat(sendQuietly(redis.port(), "PING")).isNotEqualTo("+PONG");
            try (Socket tls = tls(redis)) {
                assertThat(sendOn(tls, "PING")).startsWith("-NOAUTH");
                assertThat(sendOn(tls, "AUTH default anything")).startsWith("-WRONGPASS");
                assertThat(sendOn(tls, "AUTH tessera wrong")).startsWith("-WRONGPASS");
                assertThat(sendOn(tls, "AUTH tessera \"pass word>1\"")).isEqualTo("+OK");
                assertThat(sendOn(tls, "SET k v")).isEqualTo("+OK");
            }
        }
    }

    private static Socket tls(RedisServer redis) throws IOException {
        Socket plain = new Socket("127.0.0.1", redis.port());
        return redis.security()
                .certificates()
                .clientContext()
                .getSocketFactory()
                .createSocket(plain, "127.0.0.1", redis.port(), true);
    }

    private static String sendOn(Socket socket, String command) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = socket.getInputStream().read()) >= 0 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private static String sendQuietly(int port, String command) {
        try {
            return send(port, command);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** One inline command; the first line of the answer. */
    private static String send(int port, String command) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new BufferedReader(
                            new InputStreamReader(
                                    socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
        }
    }
}
