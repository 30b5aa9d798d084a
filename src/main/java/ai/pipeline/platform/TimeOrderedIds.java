package ai.pipeline.platform;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * Chain and task ids as version 7 UUIDs (RFC 9562): the first 48 bits are the creation time in
 * milliseconds, the rest random. Ids made close in time sort together, so the rows a group commit
 * inserts land in the last pages of each index instead of one random page each: H2 writes every
 * page a commit changed, and with random (version 4) ids that was a page per row and per index.
 */
public final class TimeOrderedIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TimeOrderedIds() {
    }

    /** A new id, time-ordered by now. */
    public static String next() {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        return of(System.currentTimeMillis(), random);
    }

    /** The same id for the same {@code name} and time: a request read twice maps to one run. */
    public static String fromName(long epochMillis, String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return of(epochMillis, digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** 48 bits of time, version 7, 12 bits from {@code bits}, the variant, then 62 more bits from {@code bits}. */
    private static String of(long epochMillis, byte[] bits) {
        ByteBuffer buffer = ByteBuffer.wrap(bits, 0, 10);
        long randA = buffer.getShort() & 0x0FFFL;
        long randB = buffer.getLong() & 0x3FFF_FFFF_FFFF_FFFFL;
        long most = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | randA;
        long least = 0x8000_0000_0000_0000L | randB;
        return new UUID(most, least).toString();
    }
}
