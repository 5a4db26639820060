package dev.tessera.dev;

import java.nio.file.Path;
import java.util.List;

/**
 * A throwaway launcher JVM for {@link ChildProcessTest}: starts a long command, prints its pid and
 * waits to be killed.
 */
public final class OrphanLauncher {

    private OrphanLauncher() {}

    public static void main(String[] args) throws InterruptedException {
        ChildProcess child = ChildProcess.start(List.of("sleep", "300"), Path.of(args[0]));
        System.out.println(child.pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
