package io.kubechores.runner;

import io.kubechores.core.Action;
import io.kubechores.core.AuditLog;
import io.kubechores.core.RunGuard;
import io.kubechores.report.Reports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Audit trail in &lt;home&gt;/audit/audit.jsonl, write-ahead (see {@link AuditLog}): an {@code "phase":"intent"} line
 * before each mutation is sent, an {@code "phase":"outcome"} line after its answer (same {@code "seq"}), plus one
 * log line per applied change. Carries the run id, so the Spring Batch history and the audit trail can be joined.
 * <p>
 * One writer thread per run does all file I/O (never an HTTP I/O thread): it takes every line waiting at that moment,
 * appends them with one write and forces them to disk once (group commit), then completes the waiting intents. A
 * forced write per change is what made a fleet run twice as long. A kill -9 after the write returned loses nothing
 * (the lines are in the kernel's page cache); the force bounds what a power loss can take.
 * <p>
 * When a run opens the trail it first closes the intents an earlier run of the same job left without outcome (it
 * was killed mid-apply): one {@code "status":"UNKNOWN"} outcome line each. This run's re-read of the live state
 * then reconciles those changes (applies are idempotent). {@link #close} marks this run's own open intents the same
 * way (partition deadline, shutdown). When every line of the run was written (its intents all have outcomes by then),
 * the run's last line is a {@code "phase":"closed"} line for its job: every intent of that job above it has its
 * outcome (this run closed those an earlier run left open, and one run per job holds the job's lease at a time: a run
 * that lost its lease or was stopped writes none). So
 * a new run reads the tail backwards only to the job's last {@code closed} line (issue 15: the whole 8 MiB tail, e.g.
 * 4,000 lines after a run of 2,000 changes, was parsed before every run's first request); without one (a killed run,
 * a failed write) it reads the whole tail as before.
 * <p>
 * With a shared store ({@link RunArchive}, issue 14) every batch also goes to the database as part of the same group
 * commit ({@link Mirror}): an intent completes only once it is in the file and in the database, and a new run
 * reconciles the intents a killed pod left open from the database too (that pod's file is gone with it).
 */
public final class FileAuditLog implements AuditLog, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("kubechores.audit");
    /** How much of the end of audit.jsonl a new run reads for intents left open (older ones were reconciled then). */
    static final long RECONCILE_TAIL_BYTES = 8L << 20;
    private static final java.util.Set<String> KEY_FIELDS = java.util.Set.of("run", "seq", "job", "phase");
    public static final String UNKNOWN = "UNKNOWN";
    /** The phase of a run's last line when it ended with every line written (see the class comment). */
    public static final String CLOSED = "closed";

    private final Path file;
    private final String runId;
    private final String trigger;
    private final Clock clock;
    private final RunGuard guard;
    private final AtomicLong seq = new AtomicLong();
    private final Map<Long, Map<String, Object>> open = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;
    /** The job {@link #open} was given (null when blank): the job of the {@code closed} line at the end. */
    private volatile String job;
    /** Set by {@link #close}: whether the run may end the trail with a closed line (see {@link #close}). */
    private volatile boolean endsClosed;
    private FileChannel channel;
    private final Mirror mirror;

    private record Pending(byte[] line, Map<String, Object> fields, CompletableFuture<Void> written) {
        static final Pending STOP = new Pending(new byte[0], Map.of(), new CompletableFuture<>());
    }

    /** A durable copy of the trail outside the pod (the shared store): written in the same group commit. */
    public interface Mirror {
        /** Appends one batch of lines (one transaction); throws when they could not be stored. */
        void append(List<Map<String, Object>> lines);

        /** Intent lines of {@code job} that have no outcome line. */
        List<Map<String, Object>> openIntents(String job);
    }

    private static final Map<Path, Mirror> MIRRORS = new ConcurrentHashMap<>();

    /**
     * Every FileAuditLog of {@code home} created from now on also writes to {@code mirror} (set by the runner's
     * configuration when the shared store is on; a constructor argument once the launcher passes it itself).
     */
    public static void mirror(Path home, Mirror mirror) {
        if (mirror == null) MIRRORS.remove(key(home));
        else MIRRORS.put(key(home), mirror);
    }

    private static Path key(Path home) {
        return home.toAbsolutePath().normalize();
    }

    public FileAuditLog(Path home, String runId, String trigger, Clock clock) {
        this(home, runId, trigger, clock, RunGuard.open());
    }

    public FileAuditLog(Path home, String runId, String trigger, Clock clock, RunGuard guard) {
        this.file = home.resolve("audit").resolve("audit.jsonl");
        this.runId = runId;
        this.trigger = trigger;
        this.clock = clock;
        this.guard = guard;
        this.mirror = MIRRORS.get(key(home));
        this.writer = Thread.ofPlatform().daemon().name("kubechores-audit-" + runId.substring(0, Math.min(8, runId.length())))
                .unstarted(this::writeLoop);
    }

    public Path file() {
        return file;
    }

    /** Starts the writer and closes what an earlier run of {@code job} left open (see the class comment). */
    public FileAuditLog open(String job) {
        try {
            Files.createDirectories(file.getParent());
            this.job = job.isBlank() ? null : job;
            List<Map<String, Object>> left = openIntents(file, job);
            if (mirror != null && !job.isBlank()) left = withMirrored(left, job);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            writer.start();
            for (Map<String, Object> intent : left) {
                Map<String, Object> line = new LinkedHashMap<>(intent);
                line.put("time", clock.instant().toString());
                line.put("phase", "outcome");
                line.put("status", UNKNOWN);
                line.put("reconciledBy", runId);
                line.put("note", "run " + intent.get("run") + " ended (killed?) before this change's outcome was"
                        + " recorded; run " + runId + " re-reads the live state and reconciles it");
                log.warn("job={} target={} action={} outcome unknown: run {} ended before its answer", job,
                        intent.get("target"), intent.get("action"), intent.get("run"));
                enqueue(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open audit log " + file, e);
        }
        return this;
    }

    /** The file's open intents plus the shared store's (a killed pod's), each once. */
    private List<Map<String, Object>> withMirrored(List<Map<String, Object>> fromFile, String job) {
        Map<String, Map<String, Object>> all = new LinkedHashMap<>();
        for (Map<String, Object> l : fromFile) all.put(l.get("run") + "#" + l.get("seq"), l);
        try {
            for (Map<String, Object> l : mirror.openIntents(job)) all.putIfAbsent(l.get("run") + "#" + l.get("seq"), l);
        } catch (RuntimeException e) {
            log.warn("job={} open intents not read from the shared store: {}", job, e.toString());
        }
        return new ArrayList<>(all.values());
    }

    private synchronized void ensureOpen() {
        if (channel == null) open("");
    }

    @Override
    public CompletableFuture<Intent> intent(String job, Action planned) {
        try {
            guard.check(planned.target());
        } catch (RunGuard.RunStoppedException e) {
            return CompletableFuture.failedFuture(e);
        }
        ensureOpen();
        long n = seq.incrementAndGet();
        Map<String, Object> line = line(job, planned, "intent", n);
        line.put("status", Action.Status.PLANNED.name());
        open.put(n, line);
        return enqueue(line).thenApply(v -> done -> {
            open.remove(n);
            Map<String, Object> out = line(job, done, "outcome", n);
            if (done.status() == Action.Status.APPLIED) logApplied(job, done);
            enqueue(out);
        });
    }

    @Override
    public void record(String job, Action a) {
        ensureOpen();
        Map<String, Object> line = line(job, a, "outcome", seq.incrementAndGet());
        if (a.status() == Action.Status.APPLIED) logApplied(job, a);
        enqueue(line).join();
    }

    private Map<String, Object> line(String job, Action a, String phase, long n) {
        Map<String, Object> line = head(job, phase, n);
        line.put("target", a.target());
        line.put("action", a.verb());
        line.put("detail", a.detail());
        line.put("reason", a.reason());
        line.put("status", a.status().name());
        return line;
    }

    /** The fields every line starts with. */
    private Map<String, Object> head(String job, String phase, long n) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", clock.instant().toString());
        line.put("run", runId);
        line.put("seq", n);
        line.put("phase", phase);
        line.put("trigger", trigger);
        line.put("job", job);
        return line;
    }

    private static byte[] bytes(Map<String, Object> line) {
        return (Reports.jsonLine(line) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void logApplied(String job, Action a) {
        log.info("job={} target={} action={} detail=\"{}\" reason=\"{}\"", job, a.target(), a.verb(), a.detail(),
                a.reason());
    }

    private CompletableFuture<Void> enqueue(Map<String, Object> line) {
        Pending p = new Pending(bytes(line), line, new CompletableFuture<>());
        if (closed) {
            p.written().completeExceptionally(new IllegalStateException("audit log of run " + runId + " is closed"));
            return p.written();
        }
        queue.add(p);
        return p.written();
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        boolean allWritten = true;
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch);
            boolean stop = batch.remove(Pending.STOP);
            // the run's last line, in the last batch, only when every earlier line was written (see the class comment)
            byte[] closedLine = stop && allWritten && endsClosed ? closedLine() : null;
            if (!batch.isEmpty() || closedLine != null) {
                int size = closedLine == null ? 0 : closedLine.length;
                for (Pending p : batch) size += p.line().length;
                ByteBuffer buf = ByteBuffer.allocate(size);
                for (Pending p : batch) buf.put(p.line());
                if (closedLine != null) buf.put(closedLine);
                buf.flip();
                try {
                    while (buf.hasRemaining()) channel.write(buf);
                    channel.force(false); // one flush per batch, never one per change
                    // one transaction; the closed line is the file's index, the shared store answers by query
                    if (mirror != null && !batch.isEmpty()) mirror.append(batch.stream().map(Pending::fields).toList());
                    batch.forEach(p -> p.written().complete(null));
                } catch (IOException e) {
                    allWritten = false;
                    UncheckedIOException failure = new UncheckedIOException("cannot write audit log " + file, e);
                    batch.forEach(p -> p.written().completeExceptionally(failure));
                } catch (RuntimeException e) { // the shared store refused: the intents fail, nothing is sent
                    allWritten = false;
                    IllegalStateException failure = new IllegalStateException("cannot write the audit trail to the"
                            + " shared store: " + io.kubechores.desiredstate.Secrets.scrub(e.toString()), e);
                    log.warn("{}", failure.getMessage());
                    batch.forEach(p -> p.written().completeExceptionally(failure));
                }
            }
            batch.clear();
            if (stop) return;
        }
    }

    private boolean holdsTheJob() {
        try {
            guard.check(null);
            return true;
        } catch (RuntimeException stopped) { // stopped, the lease is another run's, or it could not be read
            return false;
        }
    }

    /** The {@code "phase":"closed"} line: every intent of {@link #job} above it has its outcome. */
    private byte[] closedLine() {
        Map<String, Object> line = head(job, CLOSED, seq.incrementAndGet());
        line.put("note", "run ended; every intent of job " + job + " above this line has its outcome");
        return bytes(line);
    }

    /** Marks this run's intents that never got an outcome UNKNOWN, writes everything queued and stops the writer. */
    @Override
    public void close() {
        if (channel == null || closed) return;
        for (Map<String, Object> intent : open.values()) {
            Map<String, Object> line = new LinkedHashMap<>(intent);
            line.put("time", clock.instant().toString());
            line.put("phase", "outcome");
            line.put("status", UNKNOWN);
            line.put("note", "the run ended before this change's answer arrived ("
                    + (guard.isStopped() ? guard.stoppedReason() : "deadline") + "); the next run reconciles it");
            enqueue(line);
        }
        open.clear();
        closed = true;
        // a closed line speaks for every run of the job before it, so only a run that still holds the job (its lease
        // fence passes, it was not stopped) writes one; otherwise the next run reads the whole tail
        endsClosed = job != null && holdsTheJob();
        queue.add(Pending.STOP);
        try {
            writer.join(30_000);
            channel.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.warn("audit log {} not closed cleanly: {}", file, e.toString());
        }
    }

    /**
     * Intent lines of {@code job} (any job when blank) in the file's tail that have no outcome line: the lines below
     * the job's last {@code closed} line, read from the end (the whole tail when there is none or job is blank).
     */
    static List<Map<String, Object>> openIntents(Path file, String job) throws IOException {
        if (!Files.exists(file)) return List.of();
        byte[] bytes;
        long start;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            start = Math.max(0, raf.length() - RECONCILE_TAIL_BYTES);
            raf.seek(start);
            bytes = new byte[(int) (raf.length() - start)];
            raf.readFully(bytes);
        }
        // the keys of each line by a streaming read, the whole line only for the intents left open; lines from the end
        // up to the job's closed line (a tail's first line may be cut: it is skipped); an outcome lies below its intent
        java.util.Set<String> answered = new java.util.HashSet<>();
        java.util.LinkedList<Map<String, Object>> intents = new java.util.LinkedList<>(); // file order
        int end = bytes.length > 0 && bytes[bytes.length - 1] == '\n' ? bytes.length - 1 : bytes.length;
        while (end >= 0) { // a line is bytes[from, end), end at its '\n' (or the end of a torn last line)
            int from = end;
            while (from > 0 && bytes[from - 1] != '\n') from--;
            if (from == 0 && start > 0) break;
            String line = new String(bytes, from, end - from, StandardCharsets.UTF_8);
            end = from - 1;
            Map<String, String> l;
            try {
                l = Reports.jsonLineFields(line, KEY_FIELDS);
            } catch (RuntimeException torn) { // a line cut by a crash mid-write
                continue;
            }
            if (!job.isBlank()) {
                if (!job.equals(l.get("job"))) continue;
                if (CLOSED.equals(l.get("phase"))) break;
            }
            if (l.get("seq") == null) continue;
            String key = l.get("run") + "#" + l.get("seq");
            if (!"intent".equals(l.get("phase"))) answered.add(key);
            else if (!answered.contains(key)) intents.addFirst(Reports.parseJsonLine(line));
        }
        return intents;
    }
}
