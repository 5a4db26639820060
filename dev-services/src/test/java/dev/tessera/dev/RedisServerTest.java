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
