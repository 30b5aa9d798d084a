package ai.pipeline.platform;

import java.net.InetAddress;

/** This machine's name, as the other instances see it in a worker or lease name (or "localhost"). */
public final class HostName {

    private HostName() {
    }

    public static String get() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }
}
