package dev.tessera.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What shared the machine's cores over an interval: the cores busy in all (from {@code
 * /proc/stat}), and the cores each named process used (its CPU time over the interval's wall time).
 * Latency on a saturated machine is queueing for a core, whichever process waits.
 */
final class CpuUse {

    private static final Path PROC_STAT = Path.of("/proc/stat");

    private final Map<String, Long> pids;
    private final long startedNanos;
    private final long[] machineStart;
    private final Map<String, Double> processStart;

    private CpuUse(Map<String, Long> pids) {
        this.pids = pids;
        this.startedNanos = System.nanoTime();
        this.machineStart = machineTicks();
        this.processStart = processCpu(pids);
    }

    /** Starts measuring the machine and the processes, named to their pids. */
    static CpuUse start(Map<String, Long> pids) {
        return new CpuUse(new LinkedHashMap<>(pids));
    }

    /** The cores used since the start: the machine's busy ones, then each process's. */
    List<Figure> figures(String section, String prefix) {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        long[] machineEnd = machineTicks();
        Map<String, Double> processEnd = processCpu(pids);
        List<Figure> figures = new ArrayList<>();
        double total = machineEnd[0] - machineStart[0];
        double busy = machineEnd[1] - machineStart[1];
        int cores = Runtime.getRuntime().availableProcessors();
        if (total > 0) {
            figures.add(
                    Figure.info(
                            section,
                            prefix + "cores busy, of the machine's " + cores,
                            cores * busy / total,
                            "cores"));
        }
        processEnd.forEach(
                (name, cpu) -> {
                    Double start = processStart.get(name);
                    if (start != null) {
                        figures.add(
                                Figure.info(
                                        section,
                                        prefix + "cores used by " + name,
                                        (cpu - start) / seconds,
                                        "cores"));
                    }
                });
        return figures;
    }

    /** The CPU seconds of each live process; a process that has ended is left out. */
    private static Map<String, Double> processCpu(Map<String, Long> pids) {
        Map<String, Double> cpu = new LinkedHashMap<>();
        pids.forEach(
                (name, pid) -> {
                    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        cpu.put(name, Processes.cpuSeconds(pid));
                    }
                });
        return cpu;
    }

    /**
     * The machine's CPU ticks so far, all and busy (neither idle nor waiting for I/O), from the
     * first line of {@code /proc/stat}; zeros where there is none.
     */
    private static long[] machineTicks() {
        if (!Files.isReadable(PROC_STAT)) {
            return new long[2];
        }
        try {
            String[] fields = Files.readAllLines(PROC_STAT).get(0).trim().split("\\s+");
            long total = 0;
            // cpu user nice system idle iowait irq softirq steal (guest time is within user)
            for (int i = 1; i <= Math.min(8, fields.length - 1); i++) {
                total += Long.parseLong(fields[i]);
            }
            long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
            return new long[] {total, total - idle};
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PROC_STAT, e);
        }
    }
}
