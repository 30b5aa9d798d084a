package ai.pipeline.platform;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ids made close in time sort together, so the rows a group commit inserts land in the last pages of
 * their indexes instead of one random page each: H2 writes every page a commit changed, and with
 * random keys that is every leaf of every index on them, more with each day of history.
 * <ul>
 * <li>Task ids are version 7 UUIDs (RFC 9562): the first 48 bits are the creation time in milliseconds,
 *     the rest random.</li>
 * <li>Chain ids are version 8 (custom) UUIDs whose first 32 bits are a microsecond clock (its low 32
 *     bits: it wraps every 71 minutes), the rest random. Users and the dashboard find a run by the start
 *     of its chain id, its first eight characters: a millisecond prefix would make those the same for
 *     every run of a minute; a microsecond one tells apart the runs one process starts within 71 minutes
 *     (two Kafka requests may share one: the same millisecond on two partitions, offsets ending alike).</li>
 * </ul>
 */
public final class TimeOrderedIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong LAST_MICROS = new AtomicLong();

    private TimeOrderedIds() {
    }

    /** A new task id, time-ordered by now. */
    public static String next() {
        long randA = RANDOM.nextInt() & 0x0FFFL;
        long randB = RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL;
        long most = (System.currentTimeMillis() & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | randA;
        return new UUID(most, 0x8000_0000_0000_0000L | randB).toString();
    }

    /** A new chain id, ordered by now (to the microsecond; never twice the same clock value in one process). */
    public static String nextChainId() {
        Instant now = Instant.now();
        long clock = now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
        long micros = LAST_MICROS.updateAndGet(last -> Math.max(last + 1, clock));
        return chainId(micros, RANDOM.nextLong(), RANDOM.nextLong());
    }

    /**
     * The chain id of something that must always name the same run, such as a Kafka record: ordered by
     * {@code epochMillis} (with {@code sequence}, e.g. the record's offset, as its microseconds), the rest
     * taken from a hash of {@code name}, which must tell it apart from everything else.
     */
    public static String chainIdFor(long epochMillis, long sequence, String name) {
        ByteBuffer hash = ByteBuffer.wrap(md5(name.getBytes(StandardCharsets.UTF_8)));
        return chainId(epochMillis * 1_000 + Math.floorMod(sequence, 1_000), hash.getLong(), hash.getLong());
    }

    private static String chainId(long micros, long randomA, long randomB) {
        long most = (micros & 0xFFFF_FFFFL) << 32 | randomA & 0xFFFF_0FFFL | 0x8000L;
        return new UUID(most, randomB & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L).toString();
    }

    private static byte[] md5(byte[] bytes) {
        try {
            return MessageDigest.getInstance("MD5").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }
}
