package dev.tessera.bench;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * CPU profiles of another JVM by async-profiler, loaded through the JDK's attach API as its own
 * launcher does: the samples of one phase, written as collapsed stacks (the input of a flame graph)
 * and summed into the frames a report shows. Where the agent cannot load (not Linux x64), phases
 * run unprofiled.
 */
final class Profiler {

    /** The agent library inside the {@code tools.profiler:async-profiler:linux-x64} jar. */
    private static final String LIBRARY = "linux-x64/libasyncProfiler.so";

    private static final int TOP = 12;

    /**
     * What a phase spent its CPU on.
     *
     * @param name the phase
     * @param samples CPU samples (1 per millisecond of CPU)
     * @param self the frames most samples were in, their own code only
     * @param tessera Tessera's own methods, by the share of samples under them
     * @param collapsed the whole profile, one stack per line
     */
    record Profile(
            String name, long samples, List<Share> self, List<Share> tessera, Path collapsed) {}

    /** A frame and the share of a profile's samples it holds. */
    record Share(String frame, double share) {}

    private final Path library;
    private final Path dir;
    private final List<Profile> profiles = new ArrayList<>();

    private Profiler(Path library, Path dir) {
        this.library = library;
        this.dir = dir;
    }

    /** A profiler writing its stacks under {@code dir}. */
    static Profiler into(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path library = dir.resolve("libasyncProfiler.so");
        try (InputStream in = Profiler.class.getClassLoader().getResourceAsStream(LIBRARY)) {
            if (in == null || !System.getProperty("os.arch").matches("amd64|x86_64")) {
                return new Profiler(null, dir);
            }
            Files.copy(in, library, StandardCopyOption.REPLACE_EXISTING);
        }
        return new Profiler(library, dir);
    }

    /** The profiles taken so far, in order. */
    List<Profile> profiles() {
        return List.copyOf(profiles);
    }

    /**
     * Runs {@code phase} while sampling the CPU of the JVM {@code pid}, as profile {@code name}.
     */
    <T> T profile(String name, long pid, Callable<T> phase) throws Exception {
        start(pid);
        T result;
        try {
            result = phase.call();
        } finally {
            stop(name, pid);
        }
        return result;
    }

    /** Starts sampling the CPU of the JVM {@code pid}. */
    void start(long pid) throws Exception {
        if (library != null) {
            command(pid, "start,event=cpu,interval=1ms");
        }
    }

    /** Stops sampling the JVM {@code pid}, and keeps what it sampled as profile {@code name}. */
    void stop(String name, long pid) throws Exception {
        if (library != null) {
            Path collapsed = dir.resolve(name.replaceAll("[^A-Za-z0-9]+", "-") + ".collapsed");
            command(pid, "stop,file=" + collapsed + ",collapsed");
            profiles.add(summary(name, collapsed));
        }
    }

    private void command(long pid, String command) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        try {
            vm.loadAgentPath(library.toString(), command);
        } finally {
            vm.detach();
        }
    }

    /** The profile's top frames from its collapsed stacks ({@code frame;frame;... count}). */
    static Profile summary(String name, Path collapsed) throws IOException {
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> tessera = new HashMap<>();
        long samples = 0;
        for (String line : Files.readAllLines(collapsed)) {
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            long count = Long.parseLong(line.substring(space + 1));
            String[] frames = line.substring(0, space).replace('/', '.').split(";");
            samples += count;
            self.merge(frames[frames.length - 1], count, Long::sum);
            Set<String> counted = new HashSet<>();
            for (String frame : frames) {
                if (frame.startsWith("dev.tessera.") && counted.add(frame)) {
                    tessera.merge(frame, count, Long::sum);
                }
            }
        }
        return new Profile(name, samples, top(self, samples), top(tessera, samples), collapsed);
    }

    private static List<Share> top(Map<String, Long> counts, long samples) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(TOP)
                .map(e -> new Share(e.getKey(), (double) e.getValue() / samples))
                .toList();
    }
}
