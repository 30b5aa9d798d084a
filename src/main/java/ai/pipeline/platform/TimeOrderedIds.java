package ai.pipeline.platform;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Task ids as version 7 UUIDs (RFC 9562): the first 48 bits are the creation time in milliseconds,
 * the rest random. Ids made close in time sort together, so the task and attempt rows a group
 * commit inserts land in the last pages of their indexes instead of one random page each: H2 writes
 * every page a commit changed. Chain ids stay random (version 4): users and the dashboard find a
 * run by the start of its chain id, which a time prefix would make the same for every run of a minute.
 */
public final class TimeOrderedIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TimeOrderedIds() {
    }

    /** A new id, time-ordered by now. */
    public static String next() {
        long randA = RANDOM.nextInt() & 0x0FFFL;
        long randB = RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL;
        long most = (System.currentTimeMillis() & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | randA;
        return new UUID(most, 0x8000_0000_0000_0000L | randB).toString();
    }
}
